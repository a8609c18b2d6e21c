//! What a command wrote into an output directory, so that re-using the
//! directory never mixes old and new results.
//!
//! Every command that writes a result directory ends by writing
//! [`MANIFEST`]: the command and the files it wrote. The next command that
//! writes into the same directory removes the files the previous manifest
//! lists and it did not write again (an old heatmap next to a new batch, a
//! batch's runs.csv next to a single run's files). Files the manifest does
//! not list — the user's own, or any written before manifests existed — are
//! never touched.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::files::{take_committed, write_atomic};

/// The manifest's file name.
pub const MANIFEST: &str = "coalsim-manifest.json";
/// The manifest format this version writes and reads.
const FORMAT: &str = "coalsim-manifest/1";

/// The contents of [`MANIFEST`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The command whose result the directory holds (`batch`, `sweep`, ...).
    pub command: String,
    /// Files written, relative to the directory, `/`-separated, sorted.
    pub files: Vec<String>,
}

/// Reads the manifest of `dir`; `None` when there is none or it is not ours.
pub fn read(dir: &Path) -> Option<Manifest> {
    use std::io::Read as _;
    let mut text = String::new();
    fs::File::open(dir.join(MANIFEST))
        .ok()?
        .take(MAX_BYTES + 1)
        .read_to_string(&mut text)
        .ok()?;
    parse(&text)
}

/// The largest manifest read (a manifest lists a result's files: a few
/// kilobytes; a larger one is not ours and is ignored, like any foreign one).
pub const MAX_BYTES: u64 = 16 << 20;

/// Parses a manifest's text; `None` when it is not one of ours.
pub fn parse(text: &str) -> Option<Manifest> {
    if text.len() as u64 > MAX_BYTES {
        return None;
    }
    let m: Manifest = serde_json::from_str(text).ok()?;
    (m.format == FORMAT).then_some(m)
}

fn rel_text(p: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Finishes a command that wrote into `dir`: every file committed under
/// `dir` since the last call (see [`take_committed`]) is listed as
/// `command`'s, files listed by the previous manifest and not written again
/// are removed (with `plots/` when it is left empty), and the new manifest
/// is written. `keep_previous` keeps the previous entries (for `coalsim
/// plot`, which redraws only the plots of a result written before).
pub fn finish(dir: &Path, command: &str, keep_previous: bool) -> io::Result<Vec<String>> {
    let old = read(dir);
    let mut files: Vec<String> = take_committed(dir)
        .iter()
        .filter_map(|p| rel_text(p))
        .filter(|p| p != MANIFEST)
        .collect();
    let mut command = command.to_string();
    if let Some(old) = &old {
        if keep_previous {
            files.extend(old.files.iter().cloned());
            command = old.command.clone();
        } else {
            for f in old.files.iter().filter(|f| !files.contains(f)) {
                // Only plain files inside `dir`, reached without passing
                // through a link, are ours to remove: a manifest someone
                // else prepared must not reach outside the folder.
                let Some(path) = inside(dir, f) else {
                    continue;
                };
                if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                    super::files::changing(&path)?;
                    fs::remove_file(&path).map_err(|e| super::files::with_path(&path, e))?;
                }
                if let Some(parent) = Path::new(f).parent().filter(|p| *p != Path::new("")) {
                    // Fails, harmlessly, unless the folder is now empty.
                    if let Some(parent) = inside(dir, &rel_text(parent).unwrap_or_default()) {
                        let _ = fs::remove_dir(parent);
                    }
                }
            }
        }
    }
    files.sort();
    files.dedup();
    let m = Manifest {
        format: FORMAT.into(),
        command,
        files: files.clone(),
    };
    let text = serde_json::to_string_pretty(&m).map_err(io::Error::other)?;
    write_atomic(&dir.join(MANIFEST), format!("{text}\n").as_bytes())?;
    // The manifest itself is not a result file.
    let _ = take_committed(dir);
    Ok(files)
}

/// `dir/rel` when `rel` is a plain relative path (`a/b.csv`: no `..`, no
/// root) whose every folder inside `dir` is a real folder, not a link;
/// `None` otherwise. The last component may not exist; when it exists it
/// must not be a link either.
fn inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    if rel.is_empty() || rel_text(Path::new(rel)).as_deref() != Some(rel) {
        return None;
    }
    let mut path = dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => return None,
            Ok(m) if i + 1 < parts.len() && !m.is_dir() => return None,
            Ok(_) => {}
            Err(_) if i + 1 == parts.len() => {}
            Err(_) => return None,
        }
    }
    Some(path)
}

/// The paths of `dir`'s result files as the manifest lists them.
pub fn listed(dir: &Path) -> Vec<PathBuf> {
    read(dir)
        .map(|m| m.files.iter().map(PathBuf::from).collect())
        .unwrap_or_default()
}
