//! The entry points of the fuzz targets of coalsim's files (`fuzz/`: run
//! with `cargo +nightly fuzz run manifest`, `shard` or `checkpoint`), kept
//! in the library so that the stable test suite replays the fuzz corpus
//! through the same code (`tests/it/fuzz_corpus.rs`). Each function must
//! return, whatever its input: an error is a fine answer, a panic is a bug.

/// Any bytes as an output folder's manifest (`coalsim-manifest.json`).
pub fn manifest(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(m) = crate::manifest::parse(text)
    {
        let _ = m.files.len();
    }
}

/// Any bytes as a shard: the first half (up to a NUL byte) as its
/// `shard.json`, the rest as its `segments.cbor` (a batch's segments).
pub fn shard(data: &[u8]) {
    let cut = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (info, rest) = data.split_at(cut);
    if let Ok(text) = std::str::from_utf8(info)
        && let Err(e) = crate::shard::parse_shard_info(text)
    {
        let _ = e.len();
    }
    let mut r = rest.get(1..).unwrap_or(&[]);
    for _ in 0..64 {
        match crate::shard::read_segment::<coalsim_core::study::batch::Aggregates>(&mut r) {
            Ok(Some(seg)) => {
                let _ = seg.agg.runs;
            }
            Ok(None) | Err(_) => break,
        }
    }
}

/// Any bytes as a checkpoint file (`checkpoint.cbor`).
pub fn checkpoint(data: &[u8]) {
    match crate::shard::decode_checkpoint(data) {
        Ok(c) => {
            let _ = c.state.next_run;
        }
        Err(e) => {
            let _ = e.len();
        }
    }
}
