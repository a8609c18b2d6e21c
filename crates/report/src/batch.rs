//! Writing a batch's result directory: runs a batch (a shard of one, or the
//! rest of an interrupted one) with checkpoints, streams runs.csv, and
//! writes rounds.csv, incidence.csv, survival.csv, summary.json, the plots
//! and the manifest. The simulation and the aggregation live in
//! [`coalsim_core::study::batch`]; the words on stdout in the CLI.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::files::{AtomicFile, ensure_dir, write_atomic};
use crate::shard::{
    CHECKPOINT_FORMAT, Checkpoint, Fingerprint, RESUME_DIR, Shard, ShardShare, Summed,
    encode_checkpoint, finish_shard, read_checkpoint, write_segment,
};
use crate::tables::write_rows;
use coalsim_core::engine::RunSummary;
use coalsim_core::scenario::Scenario;
use coalsim_core::study::batch::{
    BatchConfig, BatchError, BatchResult, BatchSink, BatchSummary, FoldState, RunId,
    incidence_rows, round_rows, run_batch_from, survival_rows,
};

/// What [`write_batch`] produced.
#[derive(Debug, Clone)]
pub struct Written {
    pub summary: BatchSummary,
    /// Plot files written, relative to the output directory.
    pub plots: Vec<PathBuf>,
}

/// How a batch is run beyond [`BatchConfig`]: its fingerprint, and whether
/// it is a shard or continues a checkpoint.
#[derive(Debug, Clone)]
pub struct Job {
    pub fingerprint: Fingerprint,
    /// The scenario text (kept in a shard folder for the merge).
    pub scenario_text: String,
    pub shard: Option<Shard>,
    pub resume: bool,
    /// Minimum time between two checkpoints.
    pub checkpoint_every: std::time::Duration,
}

/// Runs the batch and writes every output file into `dir` (created if
/// missing): runs.csv streamed in run order as runs complete, then
/// rounds.csv, incidence.csv, survival.csv, summary.json and the plots. Each file is
/// written under a temporary name and renamed when complete.
pub fn write_batch(
    s: &Scenario,
    cfg: &BatchConfig,
    dir: &Path,
    progress: impl Fn(u64) + Sync,
) -> anyhow::Result<Written> {
    let text = format!("{s:?}");
    let job = Job {
        fingerprint: Fingerprint::batch("<library call>", &text, cfg.seed, cfg.total_runs, None),
        scenario_text: text,
        shard: None,
        resume: false,
        checkpoint_every: std::time::Duration::from_secs(5),
    };
    execute(s, cfg, &job, dir, progress)?
        .ok_or_else(|| anyhow::anyhow!("internal: a whole batch wrote no summary"))
}

/// Runs a batch, a shard of one, or the rest of an interrupted one, with
/// checkpoints, and writes its files (a shard folder for a shard). Returns
/// the summary and plots of a whole batch, `None` for a shard.
pub fn execute(
    s: &Scenario,
    cfg: &BatchConfig,
    job: &Job,
    dir: &Path,
    progress: impl Fn(u64) + Sync,
) -> anyhow::Result<Option<Written>> {
    ensure_dir(dir)?;
    let resume_dir = dir.join(RESUME_DIR);
    let ckpt_path = resume_dir.join("checkpoint.cbor");
    let runs_partial = resume_dir.join("runs.csv.partial");
    let segs_partial = resume_dir.join("segments.cbor.partial");
    let open_rw = |p: &Path| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(p)
            .with_context(|| format!("{}: cannot open", p.display()))
    };
    let (state, runs_file, segs_file, segments) = if job.resume {
        if !ckpt_path.is_file() {
            bail!(
                "{}: nothing to resume: no checkpoint (the batch finished, or never started); run it without --resume",
                dir.display()
            );
        }
        let c = read_checkpoint(&ckpt_path).map_err(anyhow::Error::msg)?;
        let d = c.fingerprint.differences(&job.fingerprint, false);
        if !d.is_empty() {
            bail!(
                "{}: cannot resume: the interrupted batch differs from this command ({} then vs now); run it without --resume to start again",
                dir.display(),
                d.join("; ")
            );
        }
        let mut runs_file = open_rw(&runs_partial)?;
        let runs_crc = cut(
            &mut runs_file,
            c.runs_csv_bytes,
            c.runs_csv_crc32,
            &runs_partial,
        )?;
        let segs_file = if job.shard.is_some() {
            let mut f = open_rw(&segs_partial)?;
            let crc = cut(&mut f, c.segments_bytes, c.segments_crc32, &segs_partial)?;
            Some((f, crc))
        } else {
            None
        };
        (c.state, (runs_file, runs_crc), segs_file, c.segments)
    } else {
        if resume_dir.exists() {
            // Our own leftovers of an earlier, interrupted batch.
            std::fs::remove_dir_all(&resume_dir)
                .with_context(|| format!("{}: cannot remove", resume_dir.display()))?;
        }
        ensure_dir(&resume_dir)?;
        let runs_file = open_rw(&runs_partial)?;
        runs_file.set_len(0)?;
        let segs_file = if job.shard.is_some() {
            let f = open_rw(&segs_partial)?;
            f.set_len(0)?;
            Some((f, crc32fast::Hasher::new()))
        } else {
            None
        };
        (
            FoldState::start(cfg.first_run, s.max_rounds),
            (runs_file, crc32fast::Hasher::new()),
            segs_file,
            0,
        )
    };
    let header = state.next_run == cfg.first_run;
    let mut sink = Sink {
        seed: cfg.seed,
        csv: csv::WriterBuilder::new()
            .has_headers(header)
            .from_writer(Summed::new(
                std::io::BufWriter::new(runs_file.0),
                runs_file.1,
            )),
        segments: segs_file.map(|(f, crc)| Summed::new(std::io::BufWriter::new(f), crc)),
        segment_count: segments,
        runs_path: dir.join("runs.csv"),
        segments_path: dir.join("segments.cbor"),
        fingerprint: job.fingerprint.clone(),
        checkpoint: ckpt_path.clone(),
        every: job.checkpoint_every,
        last: std::time::Instant::now(),
        end: cfg.end(),
    };
    let result = run_batch_from(s, cfg, state, &mut sink, progress).map_err(|e| match e {
        BatchError::Sink(e) => e,
        other => anyhow::anyhow!("{other}"),
    })?;
    let (runs_file, segs_file, segment_count) = sink.finish()?;
    drop(runs_file);
    drop(segs_file);
    // The checkpoint (written for the last run too) and the partial files
    // stay until the last output is in place: a batch stopped while it
    // writes its files continues with --resume.
    let runs_path = dir.join("runs.csv");
    publish(&runs_partial, &runs_path)?;
    let written = if let Some(sh) = job.shard {
        publish(&segs_partial, &dir.join("segments.cbor"))?;
        let share = ShardShare {
            shard: sh,
            unit: "runs",
            range: cfg.first_run..cfg.end(),
            segments: segment_count,
        };
        finish_shard(dir, &job.fingerprint, &share, Some(&job.scenario_text))?;
        None
    } else {
        Some(finish_batch(s, dir, &result)?)
    };
    let _ = std::fs::remove_dir_all(&resume_dir);
    Ok(written)
}

/// Writes everything of a whole batch after runs.csv: rounds.csv,
/// survival.csv, summary.json, the plots and the manifest. Shared by
/// `batch` and `merge`, so a merged batch is written by the very same code.
pub fn finish_batch(s: &Scenario, dir: &Path, result: &BatchResult) -> anyhow::Result<Written> {
    let summary = write_outputs(dir, s, result)?;
    // Drawn from the CSV files just written, exactly as `coalsim plot DIR`
    // would redraw them.
    let plots = crate::charts::draw_all(dir)?
        .into_iter()
        .map(|p| p.strip_prefix(dir).map(Path::to_path_buf).unwrap_or(p))
        .collect();
    crate::manifest::finish(dir, "batch", false)?;
    Ok(Written { summary, plots })
}

/// Cuts `file` back to `len` bytes (what the checkpoint vouches for),
/// checks them against the checkpoint's CRC-32 and positions the file at
/// its end; returns the checksum so far, to go on with.
fn cut(
    file: &mut std::fs::File,
    len: u64,
    crc: u32,
    path: &Path,
) -> anyhow::Result<crc32fast::Hasher> {
    let have = file.metadata()?.len();
    if have < len {
        bail!(
            "{}: {have} bytes, but the checkpoint recorded {len}; the folder was changed since: run without --resume",
            path.display()
        );
    }
    let sum = crate::shard::crc_prefix(file, len)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    match sum {
        Some(h) if h.clone().finalize() == crc => {
            file.set_len(len)?;
            std::io::Seek::seek(file, std::io::SeekFrom::Start(len))?;
            Ok(h)
        }
        _ => bail!(
            "{}: its contents changed since the checkpoint (the checksum differs); run without --resume to start again",
            path.display()
        ),
    }
}

/// Puts a finished partial file into place, keeping the partial file (a
/// second name of the same file where the file system allows, a copy
/// otherwise) until the batch's checkpoint is removed.
fn publish(partial: &Path, target: &Path) -> anyhow::Result<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    crate::files::register(&temp);
    let placed = std::fs::hard_link(partial, &temp)
        .or_else(|_| std::fs::copy(partial, &temp).map(|_| ()))
        .and_then(|()| crate::files::changing(target))
        .and_then(|()| std::fs::rename(&temp, target));
    // Also after a rename that did nothing: when the target already is
    // the same file (a resumed batch that had put it in place), rename(2)
    // leaves both names.
    let _ = std::fs::remove_file(&temp);
    crate::files::unregister(&temp);
    placed.with_context(|| format!("{}: cannot write", target.display()))?;
    crate::files::committed(target);
    Ok(())
}

/// "FILE: cannot write: ERROR", and for a full disk, which folder and what
/// to do (`checkpoint`: the batch's checkpoint, when it has one, from which
/// `--resume` continues).
fn cannot_write(path: &Path, e: &std::io::Error, checkpoint: Option<&Path>) -> anyhow::Error {
    let folder = path.parent().unwrap_or(Path::new("."));
    if e.kind() == std::io::ErrorKind::StorageFull {
        let resume = if checkpoint.is_some_and(Path::exists) {
            "; with --resume, the batch continues from its last checkpoint"
        } else {
            ""
        };
        anyhow::anyhow!(
            "{}: cannot write: {e}: the disk holding {} is full; free some space or give --out a folder on another disk, then run the command again{resume}",
            path.display(),
            folder.display()
        )
    } else {
        anyhow::anyhow!("{}: cannot write: {e}", path.display())
    }
}

/// Streams runs.csv (`run,seed,stream,` then every [`RunSummary`] field) and a
/// shard's segments, and writes checkpoints.
struct Sink {
    seed: u64,
    csv: csv::Writer<Summed<std::io::BufWriter<std::fs::File>>>,
    segments: Option<Summed<std::io::BufWriter<std::fs::File>>>,
    segment_count: u64,
    /// The files as the user knows them (they are written beside the
    /// checkpoint first), for error messages: a full disk names its folder.
    runs_path: PathBuf,
    segments_path: PathBuf,
    fingerprint: Fingerprint,
    checkpoint: PathBuf,
    every: std::time::Duration,
    last: std::time::Instant,
    /// The run after the last one of this batch or shard.
    end: u64,
}

impl Sink {
    /// Flushes and syncs the files; returns their lengths and checksums.
    fn sync(&mut self) -> anyhow::Result<((u64, u32), (u64, u32))> {
        let runs_at = |e: std::io::Error| cannot_write(&self.runs_path, &e, Some(&self.checkpoint));
        self.csv.flush().map_err(runs_at)?;
        let runs = self.csv.get_ref().get_ref().get_ref();
        runs.sync_data().map_err(runs_at)?;
        let runs_len = runs.metadata().map_err(runs_at)?.len();
        let runs_crc = self.csv.get_ref().crc32();
        let segs_at =
            |e: std::io::Error| cannot_write(&self.segments_path, &e, Some(&self.checkpoint));
        let segs = match &mut self.segments {
            Some(w) => {
                w.flush().map_err(segs_at)?;
                let f = w.get_ref().get_ref();
                f.sync_data().map_err(segs_at)?;
                (f.metadata().map_err(segs_at)?.len(), w.crc32())
            }
            None => (0, 0),
        };
        Ok(((runs_len, runs_crc), segs))
    }

    fn finish(mut self) -> anyhow::Result<(std::fs::File, Option<std::fs::File>, u64)> {
        self.sync()?;
        let runs = self
            .csv
            .into_inner()
            .map_err(|e| cannot_write(&self.runs_path, e.error(), Some(&self.checkpoint)))?
            .into_inner()
            .into_inner()
            .map_err(|e| cannot_write(&self.runs_path, e.error(), Some(&self.checkpoint)))?;
        let segs = match self.segments {
            Some(w) => Some(w.into_inner().into_inner().map_err(|e| {
                cannot_write(&self.segments_path, e.error(), Some(&self.checkpoint))
            })?),
            None => None,
        };
        Ok((runs, segs, self.segment_count))
    }
}

impl BatchSink for Sink {
    type Error = anyhow::Error;
    fn accept(&mut self, run: u64, summary: &RunSummary) -> anyhow::Result<()> {
        self.csv
            .serialize((RunId::new(run, self.seed), summary))
            .map_err(|e| match e.kind() {
                csv::ErrorKind::Io(io) => cannot_write(&self.runs_path, io, Some(&self.checkpoint)),
                _ => anyhow::anyhow!("{}: cannot write: {e}", self.runs_path.display()),
            })
    }

    fn segment(
        &mut self,
        first_run: u64,
        agg: &coalsim_core::study::batch::Aggregates,
    ) -> anyhow::Result<()> {
        if let Some(w) = &mut self.segments {
            write_segment(w, first_run, agg)
                .map_err(|e| cannot_write(&self.segments_path, &e, Some(&self.checkpoint)))?;
            self.segment_count += 1;
        }
        Ok(())
    }

    fn folded(&mut self, state: &FoldState) -> anyhow::Result<()> {
        // The last state is always saved: a batch stopped while writing
        // its files then continues from it without running again.
        if state.next_run < self.end && self.last.elapsed() < self.every {
            return Ok(());
        }
        let ((runs_csv_bytes, runs_csv_crc32), (segments_bytes, segments_crc32)) = self.sync()?;
        let c = Checkpoint {
            format: CHECKPOINT_FORMAT.into(),
            fingerprint: self.fingerprint.clone(),
            runs_csv_bytes,
            segments_bytes,
            segments: self.segment_count,
            runs_csv_crc32,
            segments_crc32,
            state: state.clone(),
        };
        write_atomic(&self.checkpoint, &encode_checkpoint(&c)?)?;
        // A checkpoint is not a result file.
        if let Some(dir) = self.checkpoint.parent() {
            let _ = crate::files::take_committed(dir);
        }
        self.last = std::time::Instant::now();
        Ok(())
    }
}

/// Writes rounds.csv, incidence.csv, survival.csv and summary.json into
/// `dir` (runs.csv is
/// streamed during the batch). Each file appears whole or not at all.
pub fn write_outputs(
    dir: &Path,
    s: &Scenario,
    result: &BatchResult,
) -> anyhow::Result<BatchSummary> {
    let a = &result.aggregates;
    write_csv(&dir.join("rounds.csv"), &round_rows(a))?;
    write_csv(&dir.join("incidence.csv"), &incidence_rows(a))?;
    write_csv(&dir.join("survival.csv"), &survival_rows(a))?;
    write_organisations(&dir.join("organisations.csv"), s, a)?;
    let summary = BatchSummary::of(s, result);
    let json = serde_json::to_string_pretty(&summary)?;
    write_atomic(&dir.join("summary.json"), format!("{json}\n").as_bytes())?;
    Ok(summary)
}

/// `organisations.csv`: who joined and stayed, who paid the hours and who
/// gained, how the decisions went for each, and why each left.
pub fn write_organisations(
    path: &Path,
    s: &Scenario,
    a: &coalsim_core::study::batch::Aggregates,
) -> anyhow::Result<()> {
    use coalsim_core::study::batch::{organisation_header, organisation_rows};
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(organisation_header())?;
    for row in organisation_rows(s, a) {
        w.write_record(row)?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    write_atomic(path, &bytes)?;
    Ok(())
}

fn write_csv<T: serde::Serialize>(path: &Path, rows: &[T]) -> anyhow::Result<()> {
    let mut file =
        AtomicFile::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
    write_rows(&mut file, rows).with_context(|| format!("{}: cannot write", path.display()))?;
    file.commit()
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 26 (wording): a full disk's error named no folder. It names
    /// the file as the user knows it, the folder whose disk is full, and
    /// what to do; another error names the file only.
    #[test]
    fn a_full_disk_names_the_folder() {
        let file = Path::new("/results/big/runs.csv");
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let e = cannot_write(file, &full, None).to_string();
        assert!(
            e.starts_with("/results/big/runs.csv: cannot write: "),
            "{e}"
        );
        assert!(e.contains("the disk holding /results/big is full"), "{e}");
        assert!(!e.contains("--resume"), "{e}");
        // With a checkpoint, --resume continues from it.
        let tmp = tempfile::tempdir().unwrap();
        let ckpt = tmp.path().join("checkpoint.cbor");
        std::fs::write(&ckpt, b"x").unwrap();
        let e = cannot_write(file, &full, Some(&ckpt)).to_string();
        assert!(e.contains("with --resume, the batch continues"), "{e}");
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = cannot_write(file, &denied, None).to_string();
        assert!(
            e.starts_with("/results/big/runs.csv: cannot write: "),
            "{e}"
        );
        assert!(!e.contains("is full"), "{e}");
    }
}
