// Isolated-world content script entry on x.com / twitter.com (document_start): starts the
// site-agnostic annotator with the X site definition. An ES module in the source tree (Node tests
// import the modules); extension/tools/package.mjs bundles it and its imports into ONE classic
// script, content/x-bundle.js (listed in the manifest), because MV3 content scripts cannot be
// modules. The wasm never runs here: Chromium refuses WebAssembly under X's CSP, so scoring is the
// background's job.
import { api } from '../lib/browser.js';
import { startAnnotator } from '../lib/annotator.js';
import { xSite } from './x-site.js';

startAnnotator({ site: xSite, api });
