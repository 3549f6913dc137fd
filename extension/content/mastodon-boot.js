// Isolated-world module entry on Mastodon, loaded by content/mastodon-content.js: starts the
// site-agnostic annotator with the Mastodon site definition.
import { api } from '../lib/browser.js';
import { startAnnotator } from '../lib/annotator.js';
import { mastodonSite } from './mastodon-site.js';

startAnnotator({ site: mastodonSite, api });
