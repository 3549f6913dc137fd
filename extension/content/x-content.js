// Isolated-world content script on x.com / twitter.com (run_at document_start). Content scripts
// are classic scripts, so this tiny loader imports the module code (listed as web-accessible
// resources for these hosts only) and starts the annotator with the X site definition. The wasm
// never runs here: Chromium refuses WebAssembly under X's CSP; scoring is the background's job.
(async () => {
  try {
    const api = globalThis.browser ?? globalThis.chrome;
    const [{ startAnnotator }, { xSite }, { api: shim }] = await Promise.all([
      import(api.runtime.getURL('lib/annotator.js')),
      import(api.runtime.getURL('content/x-site.js')),
      import(api.runtime.getURL('lib/browser.js')),
    ]);
    startAnnotator({ site: xSite, api: shim });
  } catch {
    // The extension was reloaded mid-load, or the page is not what we expect: stay quiet.
  }
})();
