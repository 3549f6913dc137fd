#!/usr/bin/env bash
# botlens: setup + build + test entry point.
#
#   ./build.sh          install what is missing, then build dist/ (extension for Chrome and
#                       Firefox, unpacked and zipped)
#   ./build.sh serve    build, then serve the standalone page (www/) on localhost
#   ./build.sh bench    build, then the benchmarks: one table, figures in
#                       target/bench-results.json (docs/PERFORMANCE.md)
#   ./build.sh fuzz     cargo-fuzz on the core, FUZZ_SECONDS per target (60)
#   ./build.sh test     the same, then every test: rustfmt, clippy, cargo tests, Node adapter
#                       tests, web-ext lint (no warnings), end-to-end tests in headless Chromium and Firefox,
#                       the benchmarks' short form (bench --ci)
#
# Everything it needs it installs itself on a fresh Debian machine (apt packages, the wasm32
# target, the exact wasm-bindgen-cli of Cargo.lock, geckodriver, npm packages); what is already
# present is not installed again.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

log() { printf '\n== %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ---------------------------------------------------------------- setup
setup_apt() {
  local missing=()
  have chromium || missing+=(chromium)
  have chromedriver || missing+=(chromium-driver)
  have firefox-esr || missing+=(firefox-esr)
  have openssl || missing+=(openssl)
  have python3 || missing+=(python3)
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

setup_rust() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  # The CLI must match the wasm-bindgen crate in Cargo.lock exactly. `--locked` fails here
  # (its lockfile pins a webpki-roots release the registry no longer serves: PLATFORM.md).
  local want have_v
  want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
  have_v=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have_v" != "$want" ]; then
    log "cargo install wasm-bindgen-cli $want"
    cargo install -q wasm-bindgen-cli --version "$want" --force
  fi
}

setup_test_tools() {
  if ! have geckodriver; then
    log "cargo install geckodriver"
    cargo install -q geckodriver --locked
  fi
}

setup_npm() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# ---------------------------------------------------------------- build
build_wasm() {
  log "wasm: cargo build (wasm32, wasm-release profile)"
  cargo build --locked --lib --target wasm32-unknown-unknown --profile wasm-release
  rm -rf target/wasm-out && mkdir -p target/wasm-out
  wasm-bindgen --target web --no-typescript --out-dir target/wasm-out \
    target/wasm32-unknown-unknown/wasm-release/botlens.wasm
  # npm's binaryen: Debian's binaryen 108 cannot read current wasm-bindgen output.
  node_modules/.bin/wasm-opt -Oz --enable-reference-types --enable-bulk-memory \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    target/wasm-out/botlens_bg.wasm -o target/wasm-out/botlens_bg.opt.wasm
  mv target/wasm-out/botlens_bg.opt.wasm target/wasm-out/botlens_bg.wasm
  log "wasm: $(stat -c %s target/wasm-out/botlens_bg.wasm) bytes after wasm-opt"
}

build_extension() {
  log "extension: dist/ (content scripts bundled with esbuild)"
  node extension/tools/package.mjs --wasm-dir target/wasm-out --out dist
  ls -l dist/chrome/content/*-bundle.js dist/botlens-chrome.zip dist/botlens-firefox.xpi >&2
}

build_www() {
  log "www: dist/www/"
  node www/tools/build.mjs --wasm-dir target/wasm-out --out dist/www
}

build() {
  setup_apt
  setup_rust
  setup_npm
  build_wasm
  build_extension
  build_www
}

# ---------------------------------------------------------------- test
run_tests() {
  setup_test_tools
  log "rustfmt"
  cargo fmt --all -- --check
  log "clippy (warnings are errors)"
  cargo clippy --locked --all-targets -- -D warnings
  log "cargo test"
  cargo test --locked --release
  log "model: botlens train reproduces the committed artifact byte for byte"
  cargo run --locked --release --quiet --bin botlens -- train --check
  log "node tests (adapters, settings, packaging)"
  node --test tests/node/
  log "web-ext lint (warnings are errors)"
  web-ext lint --source-dir dist/firefox --self-hosted=false --warnings-as-errors --output=text
  log "www page (Node + headless Chromium)"
  node --test --test-concurrency=1 tests/www/
  log "end-to-end (headless Chromium and Firefox)"
  node tests/e2e/run.mjs
  log "benchmarks, short form: fails only when a budget is broken by a wide margin (docs/PERFORMANCE.md)"
  node tests/bench/run.mjs --ci
}

# ---------------------------------------------------------------- fuzz
# cargo-fuzz (libFuzzer) on the core, FUZZ_SECONDS per target (60 by default); docs/SECURITY.md.
# cargo-fuzz needs nightly -Z flags: RUSTC_BOOTSTRAP=1 lets the stable toolchain take them.
# The committed seeds (fuzz/corpus/<target>) are only read; what a run finds goes to
# target/fuzz-corpus/<target>, a crashing input to fuzz/artifacts/<target>/ (and fails the run).
run_fuzz() {
  local secs=${FUZZ_SECONDS:-60} t logf
  if ! cargo fuzz --version >/dev/null 2>&1; then
    log "cargo install cargo-fuzz"
    cargo install -q cargo-fuzz --locked
  fi
  for t in account_json posts_cluster features; do
    log "fuzz $t for ${secs}s"
    mkdir -p "target/fuzz-corpus/$t"
    logf="target/fuzz-$t.log"
    if ! (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$t" \
        "../target/fuzz-corpus/$t" "corpus/$t" -- -max_total_time="$secs" \
        -rss_limit_mb=2048 -max_len=65536 -timeout=10 -print_final_stats=1) >"$logf" 2>&1; then
      tail -n 40 "$logf" >&2
      echo "fuzz $t FAILED: log $logf, input in fuzz/artifacts/$t/" >&2
      return 1
    fi
    grep -E '^(Done [0-9]+ runs|stat::(number_of_executed_units|peak_rss_mb|new_units_added))' "$logf" >&2 || true
  done
}

case "${1:-build}" in
  build) build ;;
  test) build && run_tests ;;
  serve) build && exec node www/tools/serve.mjs dist/www --port "${PORT:-8080}" ;;
  bench) build && node tests/bench/run.mjs ;;
  fuzz) run_fuzz ;;
  *) echo "usage: $0 [build|test|serve|bench|fuzz]" >&2; exit 2 ;;
esac
