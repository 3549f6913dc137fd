// The WebExtension API object: Firefox's promise-based `browser`, else Chrome's `chrome`
// (MV3 `chrome.*` returns promises too). A shim instead of a polyfill, as ruffle's
// extension/src/utils.ts and uBO's ext-compat.js do.
/* global browser, chrome */
export const api = globalThis.browser ?? globalThis.chrome;
