// Isolated-world module entry on x.com / twitter.com, loaded by content/x-content.js: starts the
// site-agnostic annotator with the X site definition.
import { api } from '../lib/browser.js';
import { startAnnotator } from '../lib/annotator.js';
import { xSite } from './x-site.js';

startAnnotator({ site: xSite, api });
