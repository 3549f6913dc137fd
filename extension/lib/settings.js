// The user's settings: one versioned object under `settings` in storage.local, shared by the
// content scripts, the popup and the options page. User decisions (allow / always flag) live in
// `overrides`, apart from computed verdicts, each removable ("return to automatic"), as Privacy
// Badger keeps its user_* actions. Pure functions plus two small storage helpers.

export const SETTINGS_KEY = 'settings';
export const SCHEMA = 1;
export const LEVELS = ['low', 'medium', 'high'];
export const ACTIONS = ['mark', 'dim', 'collapse'];
export const SITES = ['x', 'bluesky', 'mastodon'];
export const DECISIONS = ['allow', 'flag'];
const KEY_RE = /^(x|bluesky|mastodon):[A-Za-z0-9_.:@-]{1,100}$/;
const MAX_OVERRIDES = 10000;

/** Settings before the user changed anything. `sensitivity: null` = the model's default level. */
export function defaultSettings() {
  return { schema: SCHEMA, sensitivity: null, action: 'mark', sites: { x: true, bluesky: true, mastodon: true }, overrides: {} };
}

function cleanOverride(v) {
  if (v === null || typeof v !== 'object' || !DECISIONS.includes(v.decision)) return null;
  const out = { decision: v.decision };
  if (typeof v.handle === 'string' && v.handle.length <= 100) out.handle = v.handle;
  if (typeof v.name === 'string') out.name = v.name.slice(0, 200);
  if (typeof v.at === 'number' && Number.isFinite(v.at)) out.at = v.at;
  return out;
}

/**
 * Any stored value (missing, older schema, partly corrupt) -> a complete current settings object.
 * Unknown or wrong-typed parts fall back to the defaults; it never throws.
 */
export function migrateSettings(stored) {
  const s = defaultSettings();
  if (stored === null || typeof stored !== 'object') return s;
  // Schema 1 is the first; a later schema's unknown parts are dropped, its known parts kept.
  if (LEVELS.includes(stored.sensitivity)) s.sensitivity = stored.sensitivity;
  if (ACTIONS.includes(stored.action)) s.action = stored.action;
  if (stored.sites && typeof stored.sites === 'object') {
    for (const site of SITES) if (typeof stored.sites[site] === 'boolean') s.sites[site] = stored.sites[site];
  }
  if (stored.overrides && typeof stored.overrides === 'object') {
    for (const [key, v] of Object.entries(stored.overrides).slice(0, MAX_OVERRIDES)) {
      const o = KEY_RE.test(key) ? cleanOverride(v) : null;
      if (o) s.overrides[key] = o;
    }
  }
  return s;
}

/** The user's decision for an account key: 'allow' | 'flag' | null. */
export function overrideFor(settings, key) {
  const o = settings?.overrides?.[key];
  return o && DECISIONS.includes(o.decision) ? o.decision : null;
}

/** New settings with `key` set to `decision` ('allow' | 'flag'), or removed when decision is null. */
export function withOverride(settings, key, decision, meta = {}, now = Date.now()) {
  const next = migrateSettings(settings);
  if (!KEY_RE.test(key)) throw new Error(`bad account key: ${key}`);
  if (decision === null) delete next.overrides[key];
  else if (DECISIONS.includes(decision)) next.overrides[key] = cleanOverride({ ...meta, decision, at: now });
  else throw new Error(`bad decision: ${decision}`);
  return next;
}

/** The export file: only the user's lists, versioned. */
export function exportLists(settings) {
  return { format: 'botlens-lists', schema: SCHEMA, overrides: migrateSettings(settings).overrides };
}

/**
 * Validates an imported export strictly. Returns {overrides, errors}: `errors` lists every entry
 * that was refused (and why); a wrong top-level shape refuses the whole file.
 */
export function parseImport(json) {
  const errors = [];
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { overrides: {}, errors: ['not_object'] };
  if (json.format !== 'botlens-lists') errors.push('bad_format');
  if (json.schema !== SCHEMA) errors.push('bad_schema');
  if (json.overrides === null || typeof json.overrides !== 'object' || Array.isArray(json.overrides)) errors.push('bad_overrides');
  if (errors.length > 0) return { overrides: {}, errors };
  const overrides = {};
  const entries = Object.entries(json.overrides);
  if (entries.length > MAX_OVERRIDES) return { overrides: {}, errors: ['too_many'] };
  for (const [key, v] of entries) {
    const o = KEY_RE.test(key) ? cleanOverride(v) : null;
    if (o) overrides[key] = o;
    else errors.push(`bad_entry:${key.slice(0, 60)}`);
  }
  return { overrides, errors };
}

/** Merges imported overrides into settings; for the same account the import wins. */
export function mergeImport(settings, overrides) {
  const next = migrateSettings(settings);
  Object.assign(next.overrides, overrides);
  return next;
}

export async function loadSettings(storage) {
  const got = await storage.local.get(SETTINGS_KEY);
  return migrateSettings(got?.[SETTINGS_KEY]);
}

/** Read-modify-write of the settings object; `change` gets and returns a settings object. */
export async function updateSettings(storage, change) {
  const next = migrateSettings(change(await loadSettings(storage)));
  await storage.local.set({ [SETTINGS_KEY]: next });
  return next;
}
