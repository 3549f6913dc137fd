// Isolated-world module entry on Bluesky, loaded by content/bluesky-content.js: starts the
// site-agnostic annotator with the Bluesky site definition.
import { api } from '../lib/browser.js';
import { startAnnotator } from '../lib/annotator.js';
import { blueskySite } from './bluesky-site.js';

startAnnotator({ site: blueskySite, api });
