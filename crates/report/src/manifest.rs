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
    let text = fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let m: Manifest = serde_json::from_str(&text).ok()?;
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
                // Only plain relative paths inside `dir` are ours to remove.
                if rel_text(Path::new(f)).as_deref() != Some(f.as_str()) {
                    continue;
                }
                let path = dir.join(f);
                if path.is_file() {
                    fs::remove_file(&path).map_err(|e| super::files::with_path(&path, e))?;
                }
                if let Some(parent) = Path::new(f).parent().filter(|p| *p != Path::new("")) {
                    // Fails, harmlessly, unless the folder is now empty.
                    let _ = fs::remove_dir(dir.join(parent));
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

/// The paths of `dir`'s result files as the manifest lists them.
pub fn listed(dir: &Path) -> Vec<PathBuf> {
    read(dir)
        .map(|m| m.files.iter().map(PathBuf::from).collect())
        .unwrap_or_default()
}
