//! Files that appear whole or not at all: written to a temporary name beside
//! the target and renamed into place on [`AtomicFile::commit`]. Dropping an
//! uncommitted file (an error, Ctrl-C unwinding) removes the temporary.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written right now, so an interrupt (Ctrl-C) can
/// remove them before the process exits ([`remove_unfinished`]).
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Files committed into place since the last [`take_committed`], so a
/// command can list what it wrote in its directory's manifest.
static COMMITTED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Notes that `path` was written whole (called after each rename).
pub fn committed(path: &Path) {
    if let Ok(mut v) = COMMITTED.lock() {
        v.push(path.to_path_buf());
    }
}

/// The files committed under `dir` since the last call for it, relative to
/// `dir`, sorted and without repeats; they are forgotten.
pub fn take_committed(dir: &Path) -> Vec<PathBuf> {
    let Ok(mut v) = COMMITTED.lock() else {
        return Vec::new();
    };
    let mut mine = Vec::new();
    v.retain(|p| match p.strip_prefix(dir) {
        Ok(rel) => {
            mine.push(rel.to_path_buf());
            false
        }
        Err(_) => true,
    });
    mine.sort();
    mine.dedup();
    mine
}

/// The files committed under `dir` since the last [`take_committed`],
/// relative to `dir`, sorted, without forgetting them.
pub fn peek_committed(dir: &Path) -> Vec<PathBuf> {
    let Ok(v) = COMMITTED.lock() else {
        return Vec::new();
    };
    let mut mine: Vec<PathBuf> = v
        .iter()
        .filter_map(|p| p.strip_prefix(dir).ok().map(Path::to_path_buf))
        .collect();
    mine.sort();
    mine.dedup();
    mine
}

pub fn register(path: &Path) {
    if let Ok(mut v) = UNFINISHED.lock() {
        v.push(path.to_path_buf());
    }
}

pub fn unregister(path: &Path) {
    if let Ok(mut v) = UNFINISHED.lock() {
        v.retain(|p| p != path);
    }
}

/// Removes every temporary file still being written. Called by the binary's
/// interrupt handler: an interrupted command leaves no half-written file.
pub fn remove_unfinished() {
    if let Ok(mut v) = UNFINISHED.lock() {
        for p in v.drain(..) {
            let _ = fs::remove_file(p);
        }
    }
}

/// A file being written under a temporary name.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Starts writing `target` (its directory must exist).
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        if let Some(dir) = target.parent() {
            lock_if_claimed(dir)?;
        }
        remove_stale_temps(target);
        let file = File::create(&temp)?;
        register(&temp);
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
            writer: Some(BufWriter::new(file)),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("writer present until commit")
    }

    /// Flushes, syncs and renames into place.
    pub fn commit(mut self) -> io::Result<()> {
        if let Some(mut w) = self.writer.take() {
            // A failed flush or sync (a full disk) must not leave the
            // temporary behind either: `Drop` no longer sees a writer.
            if let Err(e) = w.flush().and_then(|()| w.get_ref().sync_all()) {
                drop(w);
                let _ = fs::remove_file(&self.temp);
                unregister(&self.temp);
                return Err(e);
            }
        }
        let renamed = changing(&self.target).and_then(|()| fs::rename(&self.temp, &self.target));
        if renamed.is_err() {
            // A failed rename (the target is a directory, a full disk...)
            // must not leave the temporary behind.
            let _ = fs::remove_file(&self.temp);
        } else {
            committed(&self.target);
        }
        unregister(&self.temp);
        renamed
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer().flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = fs::remove_file(&self.temp);
            unregister(&self.temp);
        }
    }
}

/// Removes the temporaries of `target` (`.NAME.PID.tmp`) left by processes
/// that no longer exist (killed with SIGKILL, or a machine that lost power).
/// Only files named by our own pattern for this very target are touched, and
/// only when their process is gone; where that cannot be told (no `/proc`),
/// nothing is removed.
fn remove_stale_temps(target: &Path) {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Creates `dir` (and parents), with the path in the error.
pub fn ensure_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("{}: cannot create directory: {e}", dir.display()),
        )
    })?;
    lock_if_claimed(dir)
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = AtomicFile::create(path).map_err(|e| with_path(path, e))?;
    f.write_all(bytes).map_err(|e| with_path(path, e))?;
    f.commit().map_err(|e| with_path(path, e))
}

/// An IO error that names the file.
pub fn with_path(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// The output folder is ours alone while we write it
// ---------------------------------------------------------------------------

/// The folder holding a running batch's checkpoint (a folder of its own, so
/// writing it never marks the result folder incomplete).
pub const RESUME_DIR: &str = ".coalsim-resume";

/// The lock file of an output folder: held (an exclusive advisory lock of
/// the operating system, released when its process ends, however it ends)
/// by the one coalsim command writing into the folder, and holding that
/// command's pid and name so that a second command can say who holds it.
/// A lock file whose process is gone is taken over.
pub const LOCK_FILE: &str = ".coalsim-lock";
/// Present while a folder's results are being replaced: from the first file
/// a command replaces until its manifest is written. A folder with it holds
/// a mix of two results (an interrupted or failed command); `coalsim plot`
/// and `merge` refuse it, and the next command that finishes in the folder
/// removes it.
pub const INCOMPLETE_FILE: &str = ".coalsim-incomplete";

/// The output folder of this process's command ([`claim`]).
struct Folder {
    dir: PathBuf,
    command: String,
    /// The lock file, locked, once the folder is first written to.
    lock: Option<File>,
    /// Whether [`INCOMPLETE_FILE`] was written by us.
    marked: bool,
}

static FOLDER: Mutex<Option<Folder>> = Mutex::new(None);

/// Declares `dir` the output folder of `command`. Nothing happens on disk
/// yet: the folder is locked when the command first creates it or a file
/// in it ([`ensure_dir`], [`AtomicFile::create`]), so that a command
/// refused for a wrong flag or scenario creates nothing.
pub fn claim(dir: &Path, command: &str) {
    if let Ok(mut f) = FOLDER.lock() {
        *f = Some(Folder {
            dir: dir.to_path_buf(),
            command: command.to_string(),
            lock: None,
            marked: false,
        });
    }
}

/// Locks the claimed folder when `path` is inside it and it is not locked
/// yet; refused while another coalsim command holds it.
fn lock_if_claimed(path: &Path) -> io::Result<()> {
    let Ok(mut guard) = FOLDER.lock() else {
        return Ok(());
    };
    let Some(f) = guard.as_mut() else {
        return Ok(());
    };
    if f.lock.is_some() || !path.starts_with(&f.dir) || !f.dir.is_dir() {
        return Ok(());
    }
    f.lock = Some(acquire(&f.dir, &f.command)?);
    Ok(())
}

/// Who holds `dir`'s lock: `Some("`batch` (pid 123)")` while a live
/// process holds it, `None` when nobody does (no lock file, or a stale one).
pub fn holder(dir: &Path) -> Option<String> {
    let path = dir.join(LOCK_FILE);
    let file = fs::OpenOptions::new().read(true).open(&path).ok()?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(fs::TryLockError::WouldBlock) => Some(describe_holder(&path)),
        Err(fs::TryLockError::Error(_)) => None,
    }
}

fn describe_holder(lock: &Path) -> String {
    let text = fs::read_to_string(lock).unwrap_or_default();
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().chars().take(40).collect::<String>())
    };
    match (field("command="), field("pid=")) {
        (Some(c), Some(p)) => format!("`coalsim {c}` (pid {p})"),
        _ => "another coalsim command".to_string(),
    }
}

/// Takes the lock of `dir` for `command`: refused while a live process
/// holds it; a lock left by a process that is gone is taken over.
fn acquire(dir: &Path, command: &str) -> io::Result<File> {
    let path = dir.join(LOCK_FILE);
    for _ in 0..8 {
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| with_path(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "{}: in use: {} is writing into this folder; wait until it ends, or write into another folder",
                        dir.display(),
                        describe_holder(&path)
                    ),
                ));
            }
            Err(fs::TryLockError::Error(e)) => return Err(with_path(&path, e)),
        }
        // The file may have been removed by its previous holder between our
        // open and our lock: then we locked a file nobody else sees.
        if !same_file(&file, &path) {
            continue;
        }
        let mut w = &file;
        file.set_len(0).map_err(|e| with_path(&path, e))?;
        write!(w, "pid={}\ncommand={command}\n", std::process::id())
            .and_then(|()| file.sync_data())
            .map_err(|e| with_path(&path, e))?;
        return Ok(file);
    }
    Err(io::Error::other(format!(
        "{}: cannot take the folder's lock (it keeps changing hands)",
        path.display()
    )))
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// Marks the claimed folder incomplete before `target` in it is replaced
/// or removed (not for the checkpoint folder, which holds no result).
pub fn changing(target: &Path) -> io::Result<()> {
    let Ok(mut guard) = FOLDER.lock() else {
        return Ok(());
    };
    let Some(f) = guard.as_mut() else {
        return Ok(());
    };
    let Ok(rel) = target.strip_prefix(&f.dir) else {
        return Ok(());
    };
    if f.marked
        || f.lock.is_none()
        || rel
            .components()
            .next()
            .is_some_and(|c| c.as_os_str() == RESUME_DIR)
    {
        return Ok(());
    }
    let path = f.dir.join(INCOMPLETE_FILE);
    let text = format!(
        "command={}\npid={}\nThis folder is being rewritten, or its command stopped before it finished: its files may come from two different results.\n",
        f.command,
        std::process::id()
    );
    let mut file = File::create(&path).map_err(|e| with_path(&path, e))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| with_path(&path, e))?;
    f.marked = true;
    Ok(())
}

/// Ends the claim: on `success`, the folder's results are whole again and
/// [`INCOMPLETE_FILE`] is removed (whoever left it); the lock is released
/// and its file removed either way.
pub fn release(success: bool) {
    let Ok(mut guard) = FOLDER.lock() else {
        return;
    };
    let Some(f) = guard.take() else {
        return;
    };
    let Some(lock) = f.lock else {
        return;
    };
    if success {
        let _ = fs::remove_file(f.dir.join(INCOMPLETE_FILE));
    }
    let _ = fs::remove_file(f.dir.join(LOCK_FILE));
    let _ = lock.unlock();
}

/// Why `dir` cannot be read as a finished result: it is being written by a
/// live command, or a command stopped while writing it.
pub fn unfinished(dir: &Path) -> Option<String> {
    if let Some(h) = holder(dir) {
        return Some(format!(
            "{}: {h} is writing into this folder right now; wait until it ends",
            dir.display()
        ));
    }
    let text = fs::read_to_string(dir.join(INCOMPLETE_FILE)).ok()?;
    let command = text
        .lines()
        .find_map(|l| l.strip_prefix("command="))
        .map(|c| c.chars().take(40).collect::<String>())
        .unwrap_or_else(|| "a command".into());
    let again = if command == "batch" {
        "run it again (`coalsim batch ... --resume` continues an interrupted batch)"
    } else {
        "run it again"
    };
    Some(format!(
        "{}: incomplete: `coalsim {command}` stopped while writing it (its files may come from two different results); {again}",
        dir.display()
    ))
}
