// Action popup (an extension page): what botlens saw on the current tab, the current site's
// on/off switch, and a way to the options. Counts come from the background, which the content
// script keeps informed; the tab URL is visible to us only on the sites we have access to.
import { api } from '../lib/browser.js';
import { localizePage, t } from '../lib/i18n.js';
import { loadSettings, updateSettings } from '../lib/settings.js';

const SITE_HOSTS = { x: ['x.com', 'twitter.com'] };

function siteOf(url) {
  try {
    const host = new URL(url).hostname.replace(/^(www|mobile)\./, '');
    return Object.keys(SITE_HOSTS).find((id) => SITE_HOSTS[id].includes(host)) ?? null;
  } catch {
    return null;
  }
}

async function main() {
  localizePage(document);
  document.getElementById('open-options').addEventListener('click', () => {
    api.runtime.openOptionsPage().catch(() => {});
    window.close();
  });
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  const site = siteOf(tab?.url ?? '');
  const status = document.getElementById('status');
  if (!site) {
    status.textContent = t('popup_unsupported');
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
