// Isolated-world content script on x.com / twitter.com (run_at document_start). Content scripts
// are classic scripts, so this tiny loader imports the module code (web-accessible for these hosts
// only) from the extension's own URL. The wasm never runs here: Chromium refuses WebAssembly under
// X's CSP, so scoring is the background's job.
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  try {
    import(api.runtime.getURL('content/x-boot.js')).catch(() => {});
  } catch {
    // The extension was reloaded mid-load: stay quiet.
  }
})();
