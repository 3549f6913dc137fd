//! The `botlens` command line: score accounts from JSONL files (the schema of
//! `../shared/data/accounts`), train the shipped model, and evaluate it.

use botlens::train::{self, data, metrics};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("score") => score(&args[1..]),
        Some("train") => train_cmd(&args[1..]),
        Some("eval") => eval(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("botlens: {e}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage:
  botlens score FILE...            JSONL accounts in (.gz allowed), JSONL verdicts out
  botlens train [--out PATH] [--data DIR] [--check]
                                   train the shipped model from the datasets; --check
                                   retrains and compares with the committed artifact
  botlens eval --json FILE...      metrics of the shipped model at the default level
  botlens eval --cv | --lodo [--data DIR]
                                   5-fold CV per dataset / leave-one-dataset-out,
                                   ours vs the BotometerLite baseline, markdown tables
  botlens eval --curves [--out PATH] [--data DIR]
                                   the model card's plot data (ROC, precision-recall,
                                   calibration, levels; leave-one-dataset-out and 5-fold
                                   CV), default model/eval-curves.json";

/// Where `eval --curves` writes by default (read by www/tools/build.mjs).
const CURVES_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/model/eval-curves.json");

/// The committed artifact and its fingerprint file.
const ARTIFACT_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/model/botlens-model.bin");
const HASH_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/model/botlens-model.fnv1a64");

/// JSONL accounts in, JSONL verdicts out, one line per input line (a line that is not JSON
/// gives `{"error": ...}` so the output stays aligned with the input).
fn score(files: &[String]) -> Result<(), String> {
    if files.is_empty() {
        return Err(USAGE.to_owned());
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for file in files {
        for line in data::open(Path::new(file))?.lines() {
            let line = line.map_err(|e| format!("{file}: {e}"))?;
            if line.trim().is_empty() {
                continue;
            }
            let row = match serde_json::from_str::<botlens::Account>(&line) {
                Ok(account) => {
                    let verdict = botlens::score(&account, botlens::observed_at(&account, now));
                    serde_json::to_string(&verdict)
                }
                Err(e) => serde_json::to_string(&serde_json::json!({"error": e.to_string()})),
            }
            .map_err(|e| e.to_string())?;
            writeln!(out, "{row}").map_err(|e| e.to_string())?;
        }
    }
    out.flush().map_err(|e| e.to_string())
}

/// The value after `--flag`, if present.
fn option(args: &[String], flag: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1).cloned())
}

fn data_dir(args: &[String]) -> PathBuf {
    option(args, "--data").map_or_else(data::default_dir, PathBuf::from)
}

fn load(args: &[String]) -> Result<train::Prepared, String> {
    let dir = data_dir(args);
    if !dir.is_dir() {
        return Err(format!("skipped: data not found ({})", dir.display()));
    }
    let rows = data::load_training(&dir)?;
    eprintln!("loaded {} accounts from {}", rows.len(), dir.display());
    Ok(train::Prepared::new(rows))
}

/// [`load`], but missing data is not an error: it says "skipped: …" and gives `None`.
fn load_or_skip(args: &[String]) -> Result<Option<train::Prepared>, String> {
    match load(args) {
        Ok(p) => Ok(Some(p)),
        Err(e) if e.starts_with("skipped") => {
            println!("{e}");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn train_cmd(args: &[String]) -> Result<(), String> {
    let check = args.iter().any(|a| a == "--check");
    let dir = data_dir(args);
    if check && !dir.is_dir() {
        println!("skipped: data not found ({})", dir.display());
        return Ok(());
    }
    let started = std::time::Instant::now();
    let prepared = load(args)?;
    let trained = train::train_shipped(&prepared);
    let bytes = trained.model.to_bytes();
    let hash = format!("{:016x}\n", botlens::model::fnv1a64(&bytes));
    eprintln!(
        "trained in {:.1} s: {} trees, {} bytes, fnv1a64 {}",
        started.elapsed().as_secs_f64(),
        trained.model.trees.len(),
        bytes.len(),
        hash.trim()
    );
    if check {
        let committed =
            std::fs::read(ARTIFACT_PATH).map_err(|e| format!("{ARTIFACT_PATH}: {e}"))?;
        if committed != bytes {
            return Err(format!(
                "the committed artifact differs from a fresh `botlens train` ({} vs {} bytes)",
                committed.len(),
                bytes.len()
            ));
        }
        println!("ok: the committed artifact equals a fresh `botlens train` byte for byte");
        return Ok(());
    }
    println!("{}", trained.report);
    let out = option(args, "--out").unwrap_or_else(|| ARTIFACT_PATH.to_owned());
    std::fs::write(&out, &bytes).map_err(|e| format!("{out}: {e}"))?;
    if out == ARTIFACT_PATH {
        std::fs::write(HASH_PATH, hash).map_err(|e| format!("{HASH_PATH}: {e}"))?;
    }
    eprintln!("wrote {out}");
    Ok(())
}

fn eval(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--json") {
        let files: Vec<PathBuf> = args
            .iter()
            .filter(|a| !a.starts_with("--"))
            .map(PathBuf::from)
            .collect();
        if files.is_empty() {
            return Err(USAGE.to_owned());
        }
        return eval_json(&files);
    }
    if args.iter().any(|a| a == "--curves") {
        return eval_curves(args);
    }
    let cv = args.iter().any(|a| a == "--cv");
    let lodo = args.iter().any(|a| a == "--lodo");
    if !cv && !lodo {
        return Err(USAGE.to_owned());
    }
    let Some(prepared) = load_or_skip(args)? else {
        return Ok(());
    };
    let configs: Vec<train::Config> = match option(args, "--experiments") {
        Some(list) => list
            .split(',')
            .filter_map(|k| k.trim().parse::<usize>().ok())
            .filter_map(|k| train::EXPERIMENTS.get(k).copied())
            .collect(),
        None => train::CONFIGS.to_vec(),
    };
    let configs = configs.as_slice();
    if cv {
        let rows = train::cross_validate(&prepared, configs);
        println!(
            "{}",
            train::markdown(
                "5-fold cross-validation within each dataset (F1 at 0.5)",
                configs,
                &rows,
                None
            )
        );
    }
    if lodo {
        let (rows, pooled) = train::leave_one_out(&prepared, configs);
        println!(
            "{}",
            train::markdown(
                "Leave-one-dataset-out (F1 at 0.5; one-class sets: share flagged at 0.5)",
                configs,
                &rows,
                Some(&pooled)
            )
        );
    }
    Ok(())
}

/// `eval --curves`: writes the plot data (www/README.md, "Model card data").
fn eval_curves(args: &[String]) -> Result<(), String> {
    let Some(prepared) = load_or_skip(args)? else {
        return Ok(());
    };
    let value = train::curves::eval_curves(&prepared)?;
    let mut text = serde_json::to_string(&value).map_err(|e| e.to_string())?;
    text.push('\n');
    let out = option(args, "--out").unwrap_or_else(|| CURVES_PATH.to_owned());
    std::fs::write(&out, &text).map_err(|e| format!("{out}: {e}"))?;
    eprintln!("wrote {out} ({} bytes)", text.len());
    Ok(())
}

/// `{"threshold", "overall": {...}, "per_dataset": {...}}` of the shipped model at its default
/// sensitivity level. An account the core cannot judge (score unknown) counts as not flagged
/// and ranks lowest.
fn eval_json(files: &[PathBuf]) -> Result<(), String> {
    let rows = data::read_files(files)?;
    let info = botlens::model_info();
    let threshold = info
        .levels
        .iter()
        .find(|l| l.id == info.default_level)
        .map_or(0.5, |l| l.threshold);
    let scored: Vec<(String, f64, bool)> = rows
        .iter()
        .map(|r| {
            let s = botlens::score(&r.account, r.observed).score.unwrap_or(0.0);
            (r.dataset.clone(), s, r.bot)
        })
        .collect();
    let block = |filter: &dyn Fn(&str) -> bool| {
        let (s, y): (Vec<f64>, Vec<bool>) = scored
            .iter()
            .filter(|(d, _, _)| filter(d))
            .map(|(_, s, y)| (*s, *y))
            .unzip();
        let c = metrics::at_threshold(&s, &y, threshold);
        serde_json::json!({
            "n": c.n(),
            "auc": metrics::auc(&s, &y),
            "f1": c.f1(),
            "precision": c.precision(),
            "recall": c.recall(),
            "fpr": c.fpr(),
        })
    };
    let mut datasets: Vec<&str> = scored.iter().map(|(d, _, _)| d.as_str()).collect();
    datasets.sort_unstable();
    datasets.dedup();
    let per_dataset: serde_json::Map<String, serde_json::Value> = datasets
        .iter()
        .map(|d| ((*d).to_owned(), block(&|x: &str| x == *d)))
        .collect();
    let out = serde_json::json!({
        "threshold": threshold,
        "overall": block(&|_: &str| true),
        "per_dataset": per_dataset,
    });
    println!("{out}");
    Ok(())
}
