//! Loading the labelled account datasets (`../shared/data/accounts/*.jsonl.gz`) for training
//! and evaluation. Native only.
//!
//! Cleaning, as `../shared/data/README.md` recommends: ids found in more than one file are
//! dropped everywhere (they are duplicated or carry conflicting labels), as are
//! kaggle-bot-or-not rows whose screen name appears in another file (its ids were damaged).
//! `bluesky-parmar-2025` is another platform and is left out of the Twitter model. The largest
//! files are capped to a fixed-seed sample so a full run stays fast on two cores.

use crate::account::Account;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Rows kept at most per dataset (a fixed-seed sample of the larger files).
pub const CAP_PER_DATASET: usize = 4_000;
/// Seed of the row sample and of the fold assignment.
pub const SEED: u64 = 20_240_601;
/// Datasets never used for the Twitter model.
pub const OTHER_PLATFORM: &[&str] = &["bluesky-parmar-2025"];

/// One labelled account.
#[derive(Debug, Clone)]
pub struct Row {
    pub dataset: String,
    pub bot: bool,
    pub account: Account,
    /// Observation time (Unix seconds): `collected_at`.
    pub observed: i64,
    /// A stable per-row hash (dataset and id or handle), for sampling and folds.
    pub hash: u64,
}

/// The data folder: `$BOTLENS_DATA/accounts`, else `../shared/data/accounts` next to the repo.
pub fn default_dir() -> PathBuf {
    match std::env::var_os("BOTLENS_DATA") {
        Some(d) => Path::new(&d).join("accounts"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/accounts"),
    }
}

/// Opens a JSONL file, gunzipping `.gz`.
pub fn open(path: &Path) -> Result<Box<dyn BufRead>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let read: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::new(read)))
}

/// Reads labelled rows from JSONL files (lines without a usable label are skipped).
pub fn read_files(paths: &[PathBuf]) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for path in paths {
        for line in open(path)?.lines() {
            let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            let bot = match value.get("label").and_then(|v| v.as_str()) {
                Some("bot") => true,
                Some("human") => false,
                _ => continue,
            };
            let dataset = value
                .get("dataset")
                .and_then(|v| v.as_str())
                .unwrap_or("unnamed")
                .to_owned();
            let Ok(account) = serde_json::from_value::<Account>(value) else {
                continue;
            };
            let observed = crate::observed_at(&account, 0);
            let key = account
                .id
                .clone()
                .or_else(|| account.screen_name.as_ref().map(|s| s.to_lowercase()))
                .unwrap_or_default();
            let hash = crate::model::fnv1a64(format!("{SEED}:{dataset}:{key}").as_bytes());
            rows.push(Row {
                dataset,
                bot,
                account,
                observed,
                hash,
            });
        }
    }
    Ok(rows)
}

/// Loads, cleans and caps the training data from `dir` (see the module docs).
pub fn load_training(dir: &Path) -> Result<Vec<Row>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".jsonl.gz") && !OTHER_PLATFORM.iter().any(|o| name.starts_with(o))
        })
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!("no *.jsonl.gz in {}", dir.display()));
    }
    Ok(clean(read_files(&paths)?))
}

/// Drops cross-file duplicates and caps each dataset; the result is sorted by dataset, then
/// by row hash, so it does not depend on file or line order.
pub fn clean(rows: Vec<Row>) -> Vec<Row> {
    let mut id_sets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut name_sets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        if let Some(id) = &r.account.id {
            id_sets
                .entry(id.clone())
                .or_default()
                .insert(r.dataset.clone());
        }
        if let Some(h) = &r.account.screen_name {
            name_sets
                .entry(h.to_lowercase())
                .or_default()
                .insert(r.dataset.clone());
        }
    }
    let shared =
        |m: &BTreeMap<String, BTreeSet<String>>, k: &str| m.get(k).is_some_and(|s| s.len() > 1);
    let mut kept: Vec<Row> = rows
        .into_iter()
        .filter(|r| {
            !r.account
                .id
                .as_deref()
                .is_some_and(|id| shared(&id_sets, id))
        })
        .filter(|r| {
            !(r.dataset.starts_with("kaggle")
                && r.account
                    .screen_name
                    .as_deref()
                    .is_some_and(|h| shared(&name_sets, &h.to_lowercase())))
        })
        .collect();
    kept.sort_by(|a, b| a.dataset.cmp(&b.dataset).then(a.hash.cmp(&b.hash)));
    let mut out = Vec::with_capacity(kept.len());
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for r in kept {
        let c = count.entry(r.dataset.clone()).or_default();
        if *c < CAP_PER_DATASET {
            *c += 1;
            out.push(r);
        }
    }
    out
}

/// The 5-fold assignment of a row (stable, independent of the other rows).
pub fn fold(row: &Row, k: u64) -> usize {
    ((row.hash >> 17) % k) as usize
}
