//! Reading shard folders back for `coalsim merge`: the shards' scenario,
//! their runs.csv rows concatenated, their segments folded in run order.
//! Each command's merge (in the CLI) is built from these.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::files::AtomicFile;
use crate::shard::{ShardInfo, read_segment};
use coalsim_core::scenario::{ScenarioFile, Source};

/// The shards of one command, checked, in shard order.
pub type Shards = [(PathBuf, ShardInfo)];

/// The scenario a shard ran (its `scenario.toml`, checked against the
/// fingerprint), loaded under the name it was given.
pub fn shard_scenario(shards: &Shards) -> anyhow::Result<ScenarioFile> {
    let fp = &shards[0].1.fingerprint;
    let text_path = shards[0].0.join("scenario.toml");
    let text = std::fs::read_to_string(&text_path)
        .with_context(|| format!("{}: cannot read", text_path.display()))?;
    if crate::shard::hash_text(&text) != fp.scenario_hash {
        bail!(
            "{}: the scenario text was changed after the shard was written",
            text_path.display()
        );
    }
    Ok(ScenarioFile::load(Source {
        name: fp.scenario_file.clone(),
        text,
    })?)
}

/// Writes `out` as the concatenation of every shard's `rel` CSV file (the
/// header once), checking that shard `i` holds `rows(info)` rows.
pub fn concat_rows(
    shards: &Shards,
    rel: &Path,
    out: &Path,
    rows: impl Fn(&ShardInfo) -> u64,
) -> anyhow::Result<()> {
    let mut file =
        AtomicFile::create(out).with_context(|| format!("{}: cannot create", out.display()))?;
    let mut header: Option<String> = None;
    for (dir, info) in shards {
        let p = dir.join(rel);
        let mut r = BufReader::new(
            std::fs::File::open(&p).with_context(|| format!("{}: cannot read", p.display()))?,
        );
        let mut line = String::new();
        let mut first = true;
        let mut n = 0u64;
        loop {
            line.clear();
            if r.read_line(&mut line)
                .with_context(|| format!("{}: cannot read", p.display()))?
                == 0
            {
                break;
            }
            if first {
                first = false;
                match &header {
                    Some(h) if h != &line => bail!(
                        "{}: its columns differ from {}'s",
                        p.display(),
                        shards[0].0.join(rel).display()
                    ),
                    Some(_) => continue,
                    None => {
                        header = Some(line.clone());
                        file.write_all(line.as_bytes())?;
                        continue;
                    }
                }
            }
            n += 1;
            file.write_all(line.as_bytes())
                .with_context(|| format!("{}: cannot write", out.display()))?;
        }
        let want = rows(info);
        if n != want {
            bail!(
                "{}: {n} rows, but shard {}/{} holds {want} rows; the shard folder is damaged: run that shard again",
                p.display(),
                info.shard,
                info.of,
            );
        }
    }
    file.commit()
        .with_context(|| format!("{}: cannot write", out.display()))?;
    Ok(())
}

/// Folds every shard's `rel` segments (a CBOR sequence) into `total`, in
/// run order, checking that they follow each other and cover each shard's
/// runs. `runs_of` counts a segment's runs; `fits` checks its shape.
pub fn fold_segments<T: serde::de::DeserializeOwned>(
    shards: &Shards,
    rel: &Path,
    total: &mut T,
    merge: impl Fn(&mut T, &T),
    runs_of: impl Fn(&T) -> u64,
    fits: impl Fn(&T) -> bool,
) -> anyhow::Result<()> {
    let mut expect_run = 0u64;
    for (dir, info) in shards {
        let p = dir.join(rel);
        let mut r = BufReader::new(
            std::fs::File::open(&p).with_context(|| format!("{}: cannot read", p.display()))?,
        );
        let mut segs = 0u64;
        while let Some(seg) =
            read_segment::<T>(&mut r).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        {
            if seg.first_run != expect_run || !fits(&seg.agg) {
                bail!(
                    "{}: a segment starts at run {} (expected run {expect_run}) or does not fit the command; the shard folder is damaged: run that shard again",
                    p.display(),
                    seg.first_run
                );
            }
            expect_run += runs_of(&seg.agg);
            merge(total, &seg.agg);
            segs += 1;
        }
        if segs != info.segments || expect_run != info.first + info.count {
            bail!(
                "{}: {segs} segments up to run {expect_run}; shard {}/{} should end at run {}; the shard folder is damaged: run that shard again",
                p.display(),
                info.shard,
                info.of,
                info.first + info.count
            );
        }
    }
    Ok(())
}

/// The first line of what `merge` prints.
pub fn merged_line(shards: &Shards, out: &Path) -> String {
    let fp = &shards[0].1.fingerprint;
    format!(
        "Merged {} shards of `coalsim {}` into {}.\n",
        shards.len(),
        fp.command,
        out.display()
    )
}
