//! `coord-eval [planted|ordinary|days|bursts|speed]...`: the coordination detector's
//! evaluation (docs/COORDINATION.md), all sections when none is named. Native only.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let only: Vec<String> = std::env::args().skip(1).collect();
    match botlens::coord::eval::run(&only) {
        Ok(Some(report)) => {
            print!("{report}");
            std::process::ExitCode::SUCCESS
        }
        Ok(None) => {
            println!(
                "skipped: data not found ({}/tweets)",
                botlens::coord::eval::data_dir().display()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("coord-eval: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
