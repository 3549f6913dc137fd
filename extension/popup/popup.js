// Action popup (an extension page): what botlens saw on the current tab, the current site's
// on/off switch, and a way to the options. Counts come from the background, which the content
// script keeps informed; the tab URL is visible through activeTab (the toolbar click). On any
// other https site it offers "Enable on this site" (a Mastodon instance): the permission request
// runs first thing in the click handler, so it keeps the user gesture.
import { api } from '../lib/browser.js';
import { localizePage, t } from '../lib/i18n.js';
import { loadSettings, updateSettings } from '../lib/settings.js';

const SITE_HOSTS = { x: ['x.com', 'twitter.com'], bluesky: ['bsky.app'] };

/** 'x' | 'bluesky' | 'mastodon' (an enabled instance) | null, and the origin pattern of the tab. */
async function siteOf(url) {
  let u;
  try { u = new URL(url); } catch { return { site: null, origin: null }; }
  const host = u.hostname.replace(/^(www|mobile)\./, '');
  const known = Object.keys(SITE_HOSTS).find((id) => SITE_HOSTS[id].includes(host));
  if (known) return { site: known, origin: null };
  if (u.protocol !== 'https:') return { site: null, origin: null };
  const origin = `https://${u.host}/*`;
  const granted = await api.permissions.contains({ origins: [origin] }).catch(() => false);
  return { site: granted ? 'mastodon' : null, origin };
}

function offerEnable(tab, origin, status) {
  const button = document.getElementById('enable-site');
  button.hidden = false;
  status.textContent = t('popup_enable_help');
  button.addEventListener('click', () => {
    // Called at once in the click handler: permissions.request needs the user gesture.
    api.permissions.request({ origins: [origin] }).then(async (granted) => {
      if (!granted) { status.textContent = t('popup_enable_refused'); return; }
      await api.runtime.sendMessage({ type: 'popup->bg:sync-instances' });
      await api.tabs.reload(tab.id);
      window.close();
    }).catch((e) => { status.textContent = String(e?.message ?? e); });
  });
}

async function main() {
  localizePage(document);
  document.getElementById('open-options').addEventListener('click', () => {
    api.runtime.openOptionsPage().catch(() => {});
    window.close();
  });
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  const { site, origin } = await siteOf(tab?.url ?? '');
  const status = document.getElementById('status');
  if (!site) {
    if (origin) offerEnable(tab, origin, status);
    else status.textContent = t('popup_unsupported');
    return;
  }
  const toggle = document.getElementById('site-toggle');
  const settings = await loadSettings(api.storage);
  toggle.checked = settings.sites[site] !== false;
  document.getElementById('site-row').hidden = false;
  toggle.addEventListener('change', () => {
    updateSettings(api.storage, (s) => ({ ...s, sites: { ...s.sites, [site]: toggle.checked } }))
      .catch((e) => { status.textContent = t('options_storage_error', [String(e?.message ?? e)]); });
  });
  const stats = await api.runtime.sendMessage({ type: 'popup->bg:get-stats', tabId: tab.id });
  if (stats && !stats.error && stats.checked > 0) {
    document.getElementById('checked').textContent = String(stats.checked);
    document.getElementById('flagged').textContent = String(stats.flagged);
    document.getElementById('counts').hidden = false;
  } else {
    status.textContent = t('popup_no_data');
  }
}

main().catch(() => {});
