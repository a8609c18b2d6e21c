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
pub(crate) fn committed(path: &Path) {
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

pub(crate) fn register(path: &Path) {
    if let Ok(mut v) = UNFINISHED.lock() {
        v.push(path.to_path_buf());
    }
}

pub(crate) fn unregister(path: &Path) {
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
        let renamed = fs::rename(&self.temp, &self.target);
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
    })
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
