// Isolated-world content script entry on bsky.app (document_start): starts the site-agnostic
// annotator with the Bluesky site definition. An ES module in the source tree (Node tests import
// the modules); extension/tools/package.mjs bundles it and its imports into ONE classic script,
// content/bluesky-bundle.js (listed in the manifest), because MV3 content scripts cannot be
// modules. The wasm never runs here; scoring is the background's job.
import { api } from '../lib/browser.js';
import { startAnnotator } from '../lib/annotator.js';
import { blueskySite } from './bluesky-site.js';

startAnnotator({ site: blueskySite, api });
