// Standalone page: the extension's site adapters, by site. www/tools/build.mjs rewrites this
// file in dist/www/js/ to import every adapter present in extension/adapters/ (Mastodon and
// Bluesky once they exist); this source version is the fallback with X only.
import * as x from '../adapters/x.js';

export default { x };
