// Isolated-world content script entry on the Mastodon instances the user enabled (document_start):
// starts the site-agnostic annotator with the Mastodon site definition. An ES module in the source
// tree (Node tests import the modules); extension/tools/package.mjs bundles it and its imports into
// ONE classic script, content/mastodon-bundle.js (registered at runtime by background.js), because
// MV3 content scripts cannot be modules. The wasm never runs here; scoring is the background's job.
import { api } from '../lib/browser.js';
import { startAnnotator } from '../lib/annotator.js';
import { mastodonSite } from './mastodon-site.js';

startAnnotator({ site: mastodonSite, api });
