//! The `botlens` command line: score accounts from JSONL files (the schema of
//! `../shared/data/accounts`), and (issue 3) train and evaluate the model.

use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("score") => score(&args[1..]),
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

const USAGE: &str =
    "usage: botlens score FILE...   (JSONL accounts in, JSONL verdicts out; .gz allowed)";

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
        let reader = open(file)?;
        for line in reader.lines() {
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

fn open(path: &str) -> Result<Box<dyn BufRead>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    if path.ends_with(".gz") {
        Err(format!(
            "{path}: gzip input needs the `flate2` reader (issue 3)"
        ))
    } else {
        Ok(Box::new(BufReader::new(file)))
    }
}
