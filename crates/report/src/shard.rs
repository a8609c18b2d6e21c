//! Shards and checkpoints of a batch: what a cluster task or an interrupted
//! batch leaves on disk, so that `coalsim merge` and `coalsim batch
//! --resume` can finish the very batch one machine would have run.
//!
//! # The shard folder (format `coalsim-shard/4`)
//!
//! `coalsim batch --shard K/N --out DIR` writes:
//!
//! - `runs.csv`: the shard's rows of the batch's runs.csv (same header);
//! - `segments.cbor`: one CBOR item per completed segment of runs
//!   ([`SegmentRecord`]: its first run and its partial
//!   [`Aggregates`](coalsim_core::study::batch::Aggregates)), in run order. CBOR keeps
//!   every float bit for bit, which JSON cannot promise;
//! - `scenario.toml`: the scenario text exactly as it was read;
//! - `shard.json` ([`ShardInfo`]), written last: a folder without it is an
//!   unfinished shard.
//!
//! `sweep` and `lesson` shards hold the same files per comparison (their
//! segments are [`Partial`](coalsim_core::study::compare::Partial)s; a lesson shard has
//! one sub-folder per lesson and no scenario.toml), `explore` shards hold
//! `cells.cbor` instead. Every command parses `--shard` with
//! [`parse_shard`] and closes its folder with [`finish_shard`].
//!
//! Merging folds the segments of shards 0..N in order, the same two-level
//! fold a single machine does, and writes the files with the batch's own
//! writers: the result is byte-identical.
//!
//! # The checkpoint (`DIR/.coalsim-resume/`)
//!
//! While a batch runs, its runs.csv grows in `runs.csv.partial` (and a
//! shard's segments in `segments.cbor.partial`); every few seconds
//! `checkpoint.cbor` ([`Checkpoint`]) is replaced atomically with the fold
//! state and the byte lengths of those files at that moment. `--resume`
//! cuts the files back to those lengths and continues from the state.

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use coalsim_core::study::batch::{Aggregates, FoldState};

/// The shard format this version writes and reads.
pub const SHARD_FORMAT: &str = "coalsim-shard/4";
/// The checkpoint format this version writes and reads.
pub const CHECKPOINT_FORMAT: &str = "coalsim-checkpoint/3";
/// The file describing a finished shard.
pub const SHARD_INFO: &str = "shard.json";
pub use crate::files::RESUME_DIR;

/// What a result depends on: two shards merge, and a checkpoint resumes,
/// only when every field is equal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// The command (`batch`, `sweep`, `lesson` or `explore`).
    pub command: String,
    /// The coalsim version that wrote it.
    pub coalsim_version: String,
    /// The build that wrote it: the version and a hash of the model's
    /// source code ([`BUILD`]), so that two builds of one version whose
    /// model differs never merge or resume each other's results.
    pub build: String,
    /// The scenario as given (a path, or the embedded default).
    pub scenario_file: String,
    /// FNV-1a 64 of the scenario text, in hex.
    pub scenario_hash: String,
    pub seed: u64,
    /// Runs of the whole batch (sweep, lesson: per variant; explore: per
    /// point and policy).
    pub runs: u64,
    /// `K/N` for a shard; empty for a whole batch.
    pub shard: String,
    /// The other flags that shape the files (`--vary`, `--no-plots`, a
    /// lesson's name, explore's design...), in a fixed order; `merge`
    /// parses them again. Not `--out`, `--threads`, `--shard`.
    #[serde(default)]
    pub flags: Vec<String>,
}

impl Fingerprint {
    /// The fingerprint of a batch of this coalsim version.
    pub fn batch(
        scenario_file: &str,
        text: &str,
        seed: u64,
        runs: u64,
        shard: Option<(u64, u64)>,
    ) -> Fingerprint {
        Fingerprint {
            command: "batch".into(),
            coalsim_version: env!("CARGO_PKG_VERSION").into(),
            build: BUILD.into(),
            scenario_file: scenario_file.into(),
            scenario_hash: hash_text(text),
            seed,
            runs,
            shard: shard.map(|(k, n)| format!("{k}/{n}")).unwrap_or_default(),
            flags: Vec::new(),
        }
    }

    /// The fingerprint of `command` with `flags` (see [`Fingerprint::flags`]).
    pub fn command(
        command: &str,
        scenario_file: &str,
        text: &str,
        seed: u64,
        runs: u64,
        flags: Vec<String>,
        shard: Option<(u64, u64)>,
    ) -> Fingerprint {
        Fingerprint {
            command: command.into(),
            flags,
            ..Fingerprint::batch(scenario_file, text, seed, runs, shard)
        }
    }

    /// One short hex digest of every field.
    pub fn digest(&self) -> String {
        hash_text(&format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.command,
            self.coalsim_version,
            self.build,
            self.scenario_hash,
            self.seed,
            self.runs,
            self.shard,
            self.flags.join("\u{1f}")
        ))
    }

    /// The fields that differ from `other`, as `field: this vs other`
    /// (`scenario_file` is left out: the same text may come from anywhere;
    /// `shard` too when `ignore_shard`).
    pub fn differences(&self, other: &Fingerprint, ignore_shard: bool) -> Vec<String> {
        let s = |x: &str| {
            if x.is_empty() {
                "none".to_string()
            } else {
                x.to_string()
            }
        };
        let mut fields = vec![
            ("command", self.command.clone(), other.command.clone()),
            (
                "coalsim version",
                self.coalsim_version.clone(),
                other.coalsim_version.clone(),
            ),
            ("coalsim build", self.build.clone(), other.build.clone()),
            (
                "scenario",
                format!("{} (text {})", self.scenario_file, self.scenario_hash),
                format!("{} (text {})", other.scenario_file, other.scenario_hash),
            ),
            ("seed", self.seed.to_string(), other.seed.to_string()),
            ("runs", self.runs.to_string(), other.runs.to_string()),
        ];
        if self.flags != other.flags {
            // Only the flags that differ, unless only their order does.
            let only = |a: &[String], b: &[String]| -> Vec<String> {
                a.iter().filter(|f| !b.contains(f)).cloned().collect()
            };
            let (mut a, mut b) = (
                only(&self.flags, &other.flags),
                only(&other.flags, &self.flags),
            );
            if a.is_empty() && b.is_empty() {
                (a, b) = (self.flags.clone(), other.flags.clone());
            }
            fields.push(("flags", s(&a.join(" ")), s(&b.join(" "))));
        }
        if !ignore_shard {
            fields.push(("shard", s(&self.shard), s(&other.shard)));
        }
        fields
            .into_iter()
            .filter(|(name, a, b)| {
                if *name == "scenario" {
                    self.scenario_hash != other.scenario_hash
                } else {
                    a != b
                }
            })
            .map(|(name, a, b)| format!("{name}: {a} vs {b}"))
            .collect()
    }
}

/// This build's identity ([`coalsim_core::BUILD`]).
pub const BUILD: &str = coalsim_core::BUILD;

/// A file's length and CRC-32 (as zlib, PNG and gzip compute it): what
/// `shard.json` and a checkpoint vouch for, so a changed digit or a
/// flipped bit is found before anything is merged or resumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checksum {
    pub bytes: u64,
    pub crc32: u32,
}

impl Checksum {
    /// The checksum of the file at `path`, read in blocks.
    pub fn of_file(path: &Path) -> io::Result<Checksum> {
        let mut f = std::fs::File::open(path)?;
        let mut h = crc32fast::Hasher::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut bytes = 0u64;
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            bytes += n as u64;
        }
        Ok(Checksum {
            bytes,
            crc32: h.finalize(),
        })
    }
}

/// A writer that keeps the CRC-32 of everything written through it.
#[derive(Debug)]
pub struct Summed<W> {
    inner: W,
    crc: crc32fast::Hasher,
}

impl<W> Summed<W> {
    /// Continues the checksum `crc` of what `inner` already holds.
    pub fn new(inner: W, crc: crc32fast::Hasher) -> Summed<W> {
        Summed { inner, crc }
    }
    /// The CRC-32 of everything written (with the starting hasher's bytes).
    pub fn crc32(&self) -> u32 {
        self.crc.clone().finalize()
    }
    pub fn get_ref(&self) -> &W {
        &self.inner
    }
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for Summed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The CRC-32 of the first `len` bytes of `file` (read from its start),
/// as a hasher that can go on; `None` when the file is shorter.
pub fn crc_prefix(file: &mut std::fs::File, len: u64) -> io::Result<Option<crc32fast::Hasher>> {
    use std::io::Seek;
    file.seek(io::SeekFrom::Start(0))?;
    let mut h = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut left = len;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = file.read(&mut buf[..want])?;
        if n == 0 {
            return Ok(None);
        }
        h.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(Some(h))
}

/// FNV-1a, 64 bits, in hex: stable across platforms and versions (unlike
/// the standard library's hasher). A fingerprint, not a security measure.
pub fn hash_text(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// `shard.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// [`SHARD_FORMAT`].
    pub format: String,
    /// The shard's number, from 0.
    pub shard: u64,
    /// Shards in the batch.
    pub of: u64,
    /// What the command is split into: `runs` (batch, sweep, lesson: run
    /// indices, every variant) or `cells` (explore: design point × policy).
    pub unit: String,
    /// The shard's share: units `first .. first + count`.
    pub first: u64,
    pub count: u64,
    /// Segments in each segments.cbor (explore: 0).
    pub segments: u64,
    /// [`Fingerprint::digest`] of `fingerprint`.
    pub digest: String,
    pub fingerprint: Fingerprint,
    /// Every data file of the shard (relative, `/`-separated) with its
    /// length and CRC-32, checked before a merge reads anything.
    pub files: std::collections::BTreeMap<String, Checksum>,
}

/// One item of `segments.cbor`: a batch's [`Aggregates`], or a
/// comparison's [`Partial`](coalsim_core::study::compare::Partial) (sweep, lesson).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentRecord<T = Aggregates> {
    pub first_run: u64,
    pub agg: T,
}

/// Appends one segment to a CBOR sequence.
pub fn write_segment<T: Serialize>(w: &mut impl Write, first_run: u64, agg: &T) -> io::Result<()> {
    #[derive(Serialize)]
    struct Ref<'a, T> {
        first_run: u64,
        agg: &'a T,
    }
    ciborium::into_writer(&Ref { first_run, agg }, w).map_err(|e| match e {
        ciborium::ser::Error::Io(e) => e,
        ciborium::ser::Error::Value(v) => io::Error::other(v),
    })
}

/// Reads the next item of a CBOR sequence; `None` at its end.
pub fn read_item<T: serde::de::DeserializeOwned>(
    r: &mut impl io::BufRead,
) -> Result<Option<T>, String> {
    match r.fill_buf() {
        Ok([]) => return Ok(None),
        Ok(_) => {}
        Err(e) => return Err(e.to_string()),
    }
    ciborium::from_reader(r)
        .map(Some)
        .map_err(|e| plain_cbor_error(&e))
}

/// Reads the next segment of a CBOR sequence; `None` at its end.
pub fn read_segment<T: serde::de::DeserializeOwned>(
    r: &mut impl io::BufRead,
) -> Result<Option<SegmentRecord<T>>, String> {
    read_item(r)
}

/// `checkpoint.cbor`: where a running batch stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// [`CHECKPOINT_FORMAT`].
    pub format: String,
    pub fingerprint: Fingerprint,
    /// Valid length of `runs.csv.partial`.
    pub runs_csv_bytes: u64,
    /// Valid length of `segments.cbor.partial` (shards only).
    pub segments_bytes: u64,
    /// Segments written so far (shards only).
    pub segments: u64,
    /// CRC-32 of the first `runs_csv_bytes` of `runs.csv.partial`.
    pub runs_csv_crc32: u32,
    /// CRC-32 of the first `segments_bytes` of `segments.cbor.partial`.
    pub segments_crc32: u32,
    pub state: FoldState,
}

/// Encodes a checkpoint: its CBOR, then the CRC-32 of that CBOR in four
/// bytes (little-endian), so a damaged fold state is refused, not resumed.
pub fn encode_checkpoint(c: &Checkpoint) -> io::Result<Vec<u8>> {
    let mut v = Vec::new();
    ciborium::into_writer(c, &mut v).map_err(|e| io::Error::other(e.to_string()))?;
    let crc = crc32fast::hash(&v);
    v.extend_from_slice(&crc.to_le_bytes());
    Ok(v)
}

/// The largest checkpoint read (its fold state holds a few accumulators per
/// round: megabytes for the longest scenarios).
pub const MAX_CHECKPOINT_BYTES: u64 = 256 << 20;

/// Reads `path` as a checkpoint, with the reason when it is not one.
pub fn read_checkpoint(path: &Path) -> Result<Checkpoint, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CHECKPOINT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_CHECKPOINT_BYTES {
        return Err(format!(
            "{}: larger than {} MB: not a coalsim checkpoint",
            path.display(),
            MAX_CHECKPOINT_BYTES >> 20
        ));
    }
    decode_checkpoint(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Decodes the bytes of a checkpoint file ([`encode_checkpoint`]).
pub fn decode_checkpoint(bytes: &[u8]) -> Result<Checkpoint, String> {
    // The format first: an older checkpoint's fold state may not decode.
    #[derive(Deserialize)]
    struct Head {
        format: String,
    }
    let head: Head = ciborium::from_reader(bytes)
        .map_err(|e| format!("not a coalsim checkpoint ({})", plain_cbor_error(&e)))?;
    if head.format != CHECKPOINT_FORMAT {
        return Err(format!(
            "checkpoint format `{}`; this coalsim reads `{CHECKPOINT_FORMAT}`; run the command without --resume to start again",
            head.format.chars().take(40).collect::<String>()
        ));
    }
    let damaged = "damaged coalsim checkpoint (its checksum does not match its contents); run the command without --resume to start again";
    let Some(body_len) = bytes.len().checked_sub(4) else {
        return Err(damaged.into());
    };
    let (body, crc) = bytes.split_at(body_len);
    let crc = u32::from_le_bytes(crc.try_into().map_err(|_| damaged.to_string())?);
    if crc32fast::hash(body) != crc {
        return Err(damaged.into());
    }
    ciborium::from_reader(body).map_err(|e| {
        format!(
            "damaged coalsim checkpoint ({}); run the command without --resume to start again",
            plain_cbor_error(&e)
        )
    })
}

/// A CBOR decoding error in words, not Rust's debug text.
pub fn plain_cbor_error<E: std::fmt::Debug>(e: &ciborium::de::Error<E>) -> String {
    match e {
        ciborium::de::Error::Io(_) => "the file ends too early".into(),
        ciborium::de::Error::Syntax(at) => format!("unreadable data at byte {at}"),
        ciborium::de::Error::Semantic(at, msg) => match at {
            Some(at) => format!("unexpected data at byte {at}: {msg}"),
            None => format!("unexpected data: {msg}"),
        },
        ciborium::de::Error::RecursionLimitExceeded => "data nested too deeply".into(),
    }
}

/// `--shard K/N` of `batch`, `sweep`, `lesson` and `explore`: shard `k`
/// (from 0) of `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl Shard {
    /// `(k, n)`, as [`Fingerprint`] takes it.
    pub fn pair(self) -> (u64, u64) {
        (self.k, self.n)
    }

    /// The line every shard command prints last: how to merge.
    pub fn merge_hint(self) -> String {
        format!(
            "When all {} shards are done: coalsim merge OUT SHARD_0 ... SHARD_{}",
            self.n,
            self.n - 1
        )
    }
}

/// Parses `K/N` with 0 <= K < N <= 1,000,000 (the `--shard` flag).
pub fn parse_shard(text: &str) -> Result<Shard, String> {
    let usage = "expected K/N with shards numbered 0 to N-1, e.g. 0/4 ... 3/4";
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}`: {usage}"))?;
    let num = |s: &str| s.trim().parse::<u64>().ok();
    let (Some(k), Some(n)) = (num(k), num(n)) else {
        return Err(format!("`{text}`: {usage}"));
    };
    if n == 0 || n > 1_000_000 {
        return Err(format!("`{text}`: N = {n}; allowed: 1 to 1000000 shards"));
    }
    if k >= n {
        return Err(format!(
            "`{text}`: K = {k}; allowed: 0 to {} (shards are numbered from 0, like Slurm array and Kubernetes job indexes)",
            n - 1
        ));
    }
    Ok(Shard { k, n })
}

/// What a finished shard holds: `unit`s `range` of its command, in
/// `segments` segments per segments.cbor (explore: 0).
#[derive(Debug, Clone)]
pub struct ShardShare {
    pub shard: Shard,
    pub unit: &'static str,
    pub range: std::ops::Range<u64>,
    pub segments: u64,
}

/// Closes a shard folder whose result files are written, the same way for
/// every command: `scenario.toml` (the scenario text exactly as it was
/// read; `None` for lessons, whose texts are built in), then `shard.json`
/// (last of the shard's files: a folder without it is an unfinished shard),
/// then the output manifest, listing the folder's files as
/// `COMMAND --shard`.
pub fn finish_shard(
    dir: &Path,
    fingerprint: &Fingerprint,
    share: &ShardShare,
    scenario_text: Option<&str>,
) -> io::Result<()> {
    if let Some(text) = scenario_text {
        crate::files::write_atomic(&dir.join("scenario.toml"), text.as_bytes())?;
    }
    let mut files = std::collections::BTreeMap::new();
    for rel in crate::files::peek_committed(dir) {
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if name == SHARD_INFO || name == crate::manifest::MANIFEST {
            continue;
        }
        let sum = Checksum::of_file(&dir.join(&rel))
            .map_err(|e| crate::files::with_path(&dir.join(&rel), e))?;
        files.insert(name, sum);
    }
    let info = ShardInfo {
        format: SHARD_FORMAT.into(),
        shard: share.shard.k,
        of: share.shard.n,
        unit: share.unit.into(),
        first: share.range.start,
        count: share.range.end - share.range.start,
        segments: share.segments,
        digest: fingerprint.digest(),
        fingerprint: fingerprint.clone(),
        files,
    };
    let json = serde_json::to_string_pretty(&info).map_err(io::Error::other)?;
    crate::files::write_atomic(&dir.join(SHARD_INFO), format!("{json}\n").as_bytes())?;
    crate::manifest::finish(dir, &format!("{} --shard", fingerprint.command), false)?;
    Ok(())
}

/// Reads `DIR/shard.json`, with a clear reason when `dir` is not a
/// finished shard of a format this version reads.
pub fn read_shard_info(dir: &Path) -> Result<ShardInfo, String> {
    if let Some(why) = crate::files::unfinished(dir) {
        return Err(format!("{why}; a shard is merged once it is whole"));
    }
    let path = dir.join(SHARD_INFO);
    let read = std::fs::File::open(&path).and_then(|f| {
        let mut t = String::new();
        f.take(MAX_SHARD_INFO_BYTES + 1).read_to_string(&mut t)?;
        Ok(t)
    });
    let text = match read {
        Ok(t) if t.len() as u64 > MAX_SHARD_INFO_BYTES => {
            return Err(format!(
                "{}: larger than {} MB: not a coalsim shard description",
                path.display(),
                MAX_SHARD_INFO_BYTES >> 20
            ));
        }
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let hint = if dir.join(RESUME_DIR).is_dir() {
                " (it holds an unfinished shard: run the same command again with --resume)"
            } else {
                " (a shard folder is written by `coalsim batch|sweep|lesson|explore ... --shard K/N --out DIR`)"
            };
            return Err(format!(
                "{}: not a finished coalsim shard: no {SHARD_INFO}{hint}",
                dir.display()
            ));
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    #[derive(Deserialize)]
    struct Head {
        format: String,
    }
    let head: Head = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a coalsim shard description ({e})", path.display()))?;
    if head.format != SHARD_FORMAT {
        return Err(format!(
            "{}: shard format `{}`; this coalsim (version {}) reads `{SHARD_FORMAT}`; merge with the coalsim version that wrote the shards",
            path.display(),
            head.format.chars().take(40).collect::<String>(),
            env!("CARGO_PKG_VERSION")
        ));
    }
    parse_shard_info(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The largest `shard.json` read (a few kilobytes, more for a shard of many
/// lessons).
pub const MAX_SHARD_INFO_BYTES: u64 = 16 << 20;

/// Parses the text of a `shard.json` of this format and this build.
pub fn parse_shard_info(text: &str) -> Result<ShardInfo, String> {
    let info: ShardInfo =
        serde_json::from_str(text).map_err(|e| format!("damaged shard description ({e})"))?;
    if info.digest != info.fingerprint.digest() {
        return Err("damaged shard description (its digest does not match its fields)".into());
    }
    if info.fingerprint.build != BUILD {
        return Err(format!(
            "written by coalsim build `{}`; this is build `{BUILD}` (the model's code differs, so the results would not be one batch's): merge with the build that wrote the shards, or run them again",
            info.fingerprint.build.chars().take(80).collect::<String>()
        ));
    }
    Ok(info)
}

/// Checks every data file of a shard against the checksums of its
/// `shard.json`: a file changed, cut short or missing is named.
pub fn verify_files(dir: &Path, info: &ShardInfo) -> Result<(), String> {
    if info.files.is_empty() {
        return Err(format!(
            "{}: lists no data files; the shard folder is damaged: run that shard again",
            dir.join(SHARD_INFO).display()
        ));
    }
    for (rel, want) in &info.files {
        if rel
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..")
        {
            return Err(format!(
                "{}: lists `{rel}`, which is not a file inside the shard folder",
                dir.join(SHARD_INFO).display()
            ));
        }
        let path = dir.join(rel);
        let have = Checksum::of_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if have != *want {
            return Err(format!(
                "{}: changed since the shard was written ({} bytes, CRC-32 {:08x}; the shard recorded {} bytes, CRC-32 {:08x}): the shard folder is damaged: run that shard again",
                path.display(),
                have.bytes,
                have.crc32,
                want.bytes,
                want.crc32
            ));
        }
    }
    Ok(())
}

/// Checks that `shards` (folder, description) are the N shards of one
/// batch, each exactly once, and returns them in shard order.
pub fn check_shards<P: AsRef<Path>>(
    mut shards: Vec<(P, ShardInfo)>,
) -> Result<Vec<(P, ShardInfo)>, String> {
    let Some((first_dir, first)) = shards.first() else {
        return Err("no shards given: coalsim merge OUT SHARD...".into());
    };
    let first_dir = first_dir.as_ref().display().to_string();
    let first = first.clone();
    for (dir, info) in &shards[1..] {
        let d = info.fingerprint.differences(&first.fingerprint, true);
        let mut msg = String::new();
        if !d.is_empty() {
            let _ = write!(
                msg,
                "{} and {} are not shards of the same {}: {}",
                dir.as_ref().display(),
                first_dir,
                first.fingerprint.command,
                d.join("; ")
            );
        } else if info.of != first.of {
            let _ = write!(
                msg,
                "{} is shard {}/{} but {} is shard {}/{}: the same {} was split in two different ways",
                dir.as_ref().display(),
                info.shard,
                info.of,
                first_dir,
                first.shard,
                first.of,
                first.fingerprint.command
            );
        }
        if !msg.is_empty() {
            return Err(msg);
        }
    }
    shards.sort_by_key(|(_, i)| i.shard);
    for w in shards.windows(2) {
        if w[0].1.shard == w[1].1.shard {
            return Err(format!(
                "shard {}/{} is given twice: {} and {}",
                w[0].1.shard,
                w[0].1.of,
                w[0].0.as_ref().display(),
                w[1].0.as_ref().display()
            ));
        }
    }
    let n = first.of;
    let missing: Vec<String> = (0..n)
        .filter(|k| !shards.iter().any(|(_, i)| i.shard == *k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(10).cloned().collect();
        return Err(format!(
            "{} of {n} shards missing: {}{}; every run must be merged exactly once",
            missing.len(),
            shown.join(", "),
            if missing.len() > 10 { ", ..." } else { "" }
        ));
    }
    Ok(shards)
}

/// The share of shard `k` of `n` of `total` units: runs (whole segments,
/// [`coalsim_core::study::batch::shard_range`]) or explore's cells (as even a split as
/// can be).
pub fn shard_units(unit: &str, total: u64, k: u64, n: u64) -> std::ops::Range<u64> {
    if unit == "cells" {
        let at = |i: u64| (u128::from(i) * u128::from(total) / u128::from(n.max(1))) as u64;
        at(k)..at(k + 1)
    } else {
        coalsim_core::study::batch::shard_range(total, k, n)
    }
}

/// Checks that every shard (of [`check_shards`]) holds its share of
/// `total` units of kind `unit`.
pub fn check_ranges<P: AsRef<Path>>(
    shards: &[(P, ShardInfo)],
    unit: &str,
    total: u64,
) -> Result<(), String> {
    for (dir, i) in shards {
        let want = shard_units(unit, total, i.shard, i.of);
        if i.unit != unit
            || i.shard >= i.of
            || i.first != want.start
            || i.count != want.end - want.start
        {
            return Err(format!(
                "{}: shard {}/{} holds {} {}..{}, but that shard is {unit} {}..{} of {total}; the shard folder is damaged: run that shard again",
                dir.as_ref().display(),
                i.shard,
                i.of,
                i.unit,
                i.first,
                i.first + i.count,
                want.start,
                want.end,
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_published_test_vectors() {
        assert_eq!(hash_text(""), "cbf29ce484222325");
        assert_eq!(hash_text("a"), "af63dc4c8601ec8c");
        assert_eq!(hash_text("foobar"), "85944171f73967e8");
    }

    #[test]
    fn differences_name_each_field() {
        let a = Fingerprint::batch("a.toml", "x = 1", 1, 100, Some((0, 2)));
        let mut b = a.clone();
        b.seed = 2;
        b.runs = 50;
        let d = a.differences(&b, true);
        assert_eq!(
            d,
            vec!["seed: 1 vs 2".to_string(), "runs: 100 vs 50".to_string()]
        );
        b = Fingerprint::batch("b.toml", "x = 2", 1, 100, Some((1, 2)));
        let d = a.differences(&b, false);
        assert!(d[0].starts_with("scenario: a.toml"), "{d:?}");
        assert_eq!(d[1], "shard: 0/2 vs 1/2");
    }

    #[test]
    fn per_round_accumulators_round_trip_bit_for_bit_with_one_count_per_round() {
        let mut agg = Aggregates::new(5);
        let mut ws = [coalsim_core::stats::Welford::new(); 6];
        for (m, w) in ws.iter_mut().enumerate() {
            for x in [0.1, 0.7, 1.0 / 3.0] {
                w.push(x * (m as f64 + 1.0));
            }
        }
        agg.per_round = vec![ws, [coalsim_core::stats::Welford::new(); 6]];
        let mut buf = Vec::new();
        write_segment(&mut buf, 0, &agg).unwrap();
        let back: SegmentRecord = read_segment(&mut &buf[..]).unwrap().unwrap();
        assert_eq!(back.agg.per_round.len(), 2);
        for (a, b) in back
            .agg
            .per_round
            .iter()
            .flatten()
            .zip(agg.per_round.iter().flatten())
        {
            let (x, y) = (a.parts(), b.parts());
            assert_eq!(
                (x.0, x.1.to_bits(), x.2.to_bits()),
                (y.0, y.1.to_bits(), y.2.to_bits())
            );
        }
        // Counts that differ within a round cannot be stored once: an
        // error, not a silent loss.
        agg.per_round[0][3].push(2.0);
        assert!(write_segment(&mut Vec::new(), 0, &agg).is_err());
    }

    #[test]
    fn an_older_checkpoint_is_refused_by_its_format() {
        #[derive(Serialize)]
        struct Old {
            format: &'static str,
            state: Vec<(&'static str, u8)>,
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.cbor");
        let mut bytes = Vec::new();
        let old = Old {
            format: "coalsim-checkpoint/1",
            state: vec![("n", 1)],
        };
        ciborium::into_writer(&old, &mut bytes).unwrap();
        std::fs::write(&path, bytes).unwrap();
        let err = read_checkpoint(&path).unwrap_err();
        assert!(
            err.contains("checkpoint format `coalsim-checkpoint/1`")
                && err.contains(&format!("reads `{CHECKPOINT_FORMAT}`")),
            "{err}"
        );
    }

    #[test]
    fn segments_round_trip_bit_for_bit() {
        let mut agg = Aggregates::new(5);
        agg.rounds.push(0.1);
        agg.rounds.push(f64::NAN);
        agg.value_over_alone.push(1.0 / 3.0);
        let mut buf = Vec::new();
        write_segment(&mut buf, 32, &agg).unwrap();
        write_segment(&mut buf, 48, &Aggregates::new(5)).unwrap();
        let mut r = &buf[..];
        let a: SegmentRecord = read_segment(&mut r).unwrap().unwrap();
        assert_eq!(a.first_run, 32);
        assert_eq!(a.agg.value_over_alone, agg.value_over_alone);
        assert!(a.agg.rounds.mean().is_nan());
        assert_eq!(
            read_segment::<Aggregates>(&mut r)
                .unwrap()
                .unwrap()
                .first_run,
            48
        );
        assert!(read_segment::<Aggregates>(&mut r).unwrap().is_none());
    }
}
