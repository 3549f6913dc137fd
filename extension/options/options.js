// Options page (an extension page). Inputs bind declaratively through `data-setting-name` (a
// dotted path into the settings object, as uBO's settings page does); every change is written to
// storage.local at once and reaches open tabs through storage.onChanged, without a reload. The
// sensitivity levels and their measured rates come from the model, through the background.
import { api } from '../lib/browser.js';
import { localizePage, t } from '../lib/i18n.js';
import {
  SETTINGS_KEY, exportLists, loadSettings, mergeImport, migrateSettings, parseImport, updateSettings, withOverride,
} from '../lib/settings.js';

let settings = null;
let model = null;
const $ = (id) => document.getElementById(id);
const getPath = (obj, p) => p.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);

function setPath(obj, p, value) {
  const keys = p.split('.');
  const copy = structuredClone(obj);
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys[keys.length - 1]] = value;
  return copy;
}

/** Shows (or, with '', hides) the alert; `retry`: also offer "Try again" for the change that failed. */
function showError(text, retry = false) {
  $('error').textContent = text;
  $('error').hidden = !text;
  $('retry').hidden = !(text && retry);
}

function say(text) {
  $('status').textContent = text;
}

let failed = null; // the change that could not be written, for "Try again"

/**
 * Writes one change. On a storage failure (quota full, disk error) nothing was stored, so the
 * previous settings stay as they were; the page says so in an alert and keeps the user's edit on
 * screen (no re-render from storage) with "Try again" (docs/SECURITY.md).
 */
async function save(change) {
  try {
    settings = await updateSettings(api.storage, change);
  } catch (e) {
    failed = change;
    say('');
    showError(t('options_storage_error', [String(e?.message ?? e)]), true);
    return false;
  }
  failed = null;
  showError('');
  say(t('options_saved'));
  render();
  return true;
}

const pct = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${Math.round(x * 1000) / 10}%` : '?');

/** (Re)builds the level radios; only when the model arrives, so keyboard focus is not lost on each save. */
function buildLevels() {
  const box = $('levels');
  const levels = Array.isArray(model?.levels) && model.levels.length > 0
    ? model.levels : [{ id: 'low' }, { id: 'medium' }, { id: 'high' }];
  const focused = box.contains(document.activeElement) ? document.activeElement.value : null;
  box.replaceChildren(...levels.map((level) => {
    const label = document.createElement('label');
    label.className = 'level';
    const input = document.createElement('input');
    Object.assign(input, { type: 'radio', name: 'sensitivity', value: String(level.id) });
    input.dataset.settingName = 'sensitivity';
    const name = document.createElement('span');
    name.textContent = ` ${t(`sensitivity_${level.id}`) || level.id}${level.id === model?.default_level ? ` ${t('sensitivity_default')}` : ''}`;
    const rates = document.createElement('small');
    if (typeof level.fpr === 'number') rates.textContent = t('sensitivity_rates', [pct(level.fpr), pct(level.recall)]);
    label.append(input, name, rates);
    return label;
  }));
  if (focused) box.querySelector(`input[value="${CSS.escape(focused)}"]`)?.focus();
}

function renderLists() {
  for (const list of [$('list-allow'), $('list-flag')]) {
    const rows = Object.entries(settings.overrides)
      .filter(([, o]) => o.decision === list.dataset.decision)
      .sort(([, a], [, b]) => (b.at ?? 0) - (a.at ?? 0))
      .map(([key, o]) => {
        const li = document.createElement('li');
        const who = document.createElement('span');
        who.textContent = [o.name, o.handle ? `@${o.handle}` : null, `(${key})`].filter(Boolean).join(' ');
        const undo = document.createElement('button');
        undo.type = 'button';
        undo.textContent = t('options_remove');
        undo.setAttribute('aria-label', `${t('options_remove')}: ${o.handle ? `@${o.handle}` : key}`);
        undo.addEventListener('click', () => save((s) => withOverride(s, key, null)));
        li.append(who, undo);
        return li;
      });
    if (rows.length === 0) {
      const li = document.createElement('li');
      li.textContent = t('options_empty');
      rows.push(li);
    }
    list.replaceChildren(...rows);
  }
}

function render() {
  if (!settings || !$('levels')) return;
  for (const input of document.querySelectorAll('[data-setting-name]')) {
    let value = getPath(settings, input.dataset.settingName);
    if (input.dataset.settingName === 'sensitivity') value ??= model?.default_level ?? 'low';
    if (input.type === 'checkbox') input.checked = value !== false;
    else if (input.type === 'radio') input.checked = input.value === value;
  }
  renderLists();
}

// Mastodon instances = the optional host permissions the user granted (https://<host>/*). The
// background registers the content scripts for them; here they are listed, added (the
// permission request is the first call in the submit handler, to keep the user gesture) and removed.
const STATIC_HOSTS = new Set(['x.com', 'twitter.com', 'bsky.app']);
const HOST_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

/** 'mastodon.social' from 'https://Mastodon.social/@x', '@user@mastodon.social' or a bare host; else null. */
export function hostOf(input) {
  let s = String(input ?? '').trim().toLowerCase();
  if (/^@?[^@\s/]+@[^@\s/]+$/.test(s)) s = s.split('@').pop();
  try { s = new URL(s.includes('://') ? s : `https://${s}`).hostname; } catch { return null; }
  return HOST_RE.test(s) && !STATIC_HOSTS.has(s) ? s : null;
}

async function renderInstances() {
  const { origins = [] } = await api.permissions.getAll();
  const hosts = origins.map((o) => /^https:\/\/([^/]+)\/\*$/.exec(o)?.[1]).filter((h) => h && !STATIC_HOSTS.has(h)).sort();
  const rows = hosts.map((host) => {
    const li = document.createElement('li');
    li.dataset.host = host;
    const name = document.createElement('span');
    name.textContent = host;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = t('options_remove');
    remove.setAttribute('aria-label', `${t('options_remove')}: ${host}`);
    remove.addEventListener('click', async () => {
      await api.permissions.remove({ origins: [`https://${host}/*`] }).catch((e) => showError(String(e?.message ?? e)));
      await api.runtime.sendMessage({ type: 'options->bg:sync-instances' }).catch(() => {});
      renderInstances();
    });
    li.append(name, remove);
    return li;
  });
  if (rows.length === 0) {
    const li = document.createElement('li');
    li.textContent = t('options_empty');
    rows.push(li);
  }
  $('instance-list').replaceChildren(...rows);
}

function onAddInstance(e) {
  e.preventDefault();
  const raw = $('instance-host').value;
  const host = hostOf(raw);
  if (!host) { showError(t('options_instance_bad', [raw.slice(0, 100)])); return; }
  api.permissions.request({ origins: [`https://${host}/*`] }).then(async (granted) => {
    if (!granted) { showError(t('options_instance_refused', [host])); return; }
    showError('');
    $('instance-host').value = '';
    await api.runtime.sendMessage({ type: 'options->bg:sync-instances' });
    say(t('options_saved'));
    renderInstances();
  }).catch((err) => showError(String(err?.message ?? err)));
}

function onInput(e) {
  const input = e.target.closest('[data-setting-name]');
  if (!input || input.disabled) return;
  const value = input.type === 'checkbox' ? input.checked : input.value;
  save((s) => setPath(s, input.dataset.settingName, value));
}

function exportFile() {
  const blob = new Blob([`${JSON.stringify(exportLists(settings), null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = 'botlens-lists.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function importFile(file) {
  let json;
  try {
    json = JSON.parse(await file.text());
  } catch {
    showError(t('options_import_not_json'));
    return;
  }
  const { overrides, errors } = parseImport(json);
  const count = Object.keys(overrides).length;
  if (count === 0 && errors.length > 0) {
    showError(t('options_import_refused', [errors.join(', ')]));
    return;
  }
  if (!(await save((s) => mergeImport(s, overrides)))) return;
  say(t('options_import_done', [String(count)]));
  if (errors.length > 0) showError(t('options_import_partial', [errors.join(', ')]));
}

/**
 * The model's levels from the background, over a port (background.js answerModelInfo): a
 * sendMessage reply still pending when the user closes this page makes Firefox log an error.
 */
function askModelInfo() {
  return new Promise((resolve) => {
    let port;
    try {
      port = api.runtime.connect({ name: 'options->bg:model-info' });
    } catch (e) {
      resolve({ error: String(e?.message ?? e) });
      return;
    }
    port.onMessage.addListener((reply) => { resolve(reply); port.disconnect(); });
    port.onDisconnect.addListener(() => { void api.runtime.lastError; resolve({ error: 'no reply' }); });
  });
}

async function main() {
  localizePage(document);
  settings = await loadSettings(api.storage);
  const form = $('form-template').content.cloneNode(true);
  localizePage(form);
  $('form').append(form);
  document.addEventListener('change', (e) => {
    if (e.target.id === 'import-file') {
      const file = e.target.files?.[0];
      e.target.value = '';
      if (file) importFile(file);
    } else {
      onInput(e);
    }
  });
  $('export').addEventListener('click', exportFile);
  $('retry').addEventListener('click', () => { if (failed) save(failed); });
  $('instance-form').addEventListener('submit', onAddInstance);
  api.permissions.onAdded?.addListener(() => renderInstances());
  api.permissions.onRemoved?.addListener(() => renderInstances());
  renderInstances().catch(() => {});
  api.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes[SETTINGS_KEY]) {
      settings = migrateSettings(changes[SETTINGS_KEY].newValue);
      render();
    }
  });
  buildLevels();
  render();
  const reply = await askModelInfo();
  if (reply?.model) model = reply.model;
  else showError(t('options_model_error', [String(reply?.error ?? 'no reply')]));
  buildLevels();
  render();
}

main().catch((e) => showError(String(e?.message ?? e)));
