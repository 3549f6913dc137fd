// Isolated-world content script on the Mastodon instances the user enabled (registered at runtime
// by background.js, run_at document_start). A classic script: this tiny loader imports the module code from the extension's own URL (see content/x-content.js). The
// wasm never runs here; scoring is the background's job.
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  try {
    import(api.runtime.getURL('content/mastodon-boot.js')).catch(() => {});
  } catch {
    // The extension was reloaded mid-load: stay quiet.
  }
})();
