// Standalone page (www/), pure module: turns pasted or dropped text into normalized Accounts
// (docs/CONTRACTS.md) with the extension's own site adapters, and says precisely what is wrong
// with input it cannot read. No DOM, no wasm: Node tests import it from the built dist/www/js/.
//
// Accepted: one JSON value (an X GraphQL user object or a whole response such as TweetDetail;
// a Mastodon or Bluesky response when those adapters are built in; one dataset row or an array
// of them) or JSONL in the schema of ../shared/data/accounts (one account per line).
import adapters from './site-adapters.js';

export const MAX_INPUT_CHARS = 20_000_000;
export const MAX_ACCOUNTS = 5000;

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A reading failure the page shows as is: `message` says what and where. */
export class InputError extends Error {
  constructor(message, { line, column, excerpt } = {}) {
    super(message);
    this.name = 'InputError';
    this.line = line;
    this.column = column;
    this.excerpt = excerpt;
  }
}

/** 1-based line and column of a character offset in `text`. */
export function lineColumn(text, pos) {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i += 1) {
    if (text.charCodeAt(i) === 10) { line += 1; lineStart = i + 1; }
  }
  return { line, column: pos - lineStart + 1, lineStart };
}

/**
 * Where and why `s` is not valid JSON: `{pos, msg}`, or null when it is valid. Used only after
 * JSON.parse failed, because engines word (and place) their syntax errors differently.
 */
export function findJsonError(s) {
  let i = 0;
  const stop = (msg) => { throw { pos: i, msg }; };
  const found = () => (i >= s.length ? 'the end of the input' : `${JSON.stringify(s[i])}`);
  const ws = () => { while (i < s.length && ' \t\n\r'.includes(s[i])) i += 1; };
  const NUM = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  function string() {
    i += 1;
    while (i < s.length) {
      const ch = s[i];
      if (ch === '"') { i += 1; return; }
      if (ch === '\\') {
        const n = s[i + 1];
        if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) i += 6;
        else stop('invalid escape sequence in a string');
        continue;
      }
      if (ch < ' ') stop('a raw line break or control character inside a string (strings must be on one line)');
      i += 1;
    }
    stop('a string is not closed (missing ")');
  }
  function value(depth) {
    if (depth > 2000) stop('nesting too deep');
    ws();
    const c = s[i];
    if (c === '{') {
      i += 1; ws();
      if (s[i] === '}') { i += 1; return; }
      for (;;) {
        ws();
        if (s[i] !== '"') stop(`expected a property name in double quotes, found ${found()}`);
        string(); ws();
        if (s[i] !== ':') stop(`expected ':' after a property name, found ${found()}`);
        i += 1;
        value(depth + 1); ws();
        if (s[i] === ',') { i += 1; continue; }
        if (s[i] === '}') { i += 1; return; }
        stop(`expected ',' or '}' after a property value, found ${found()}`);
      }
    }
    if (c === '[') {
      i += 1; ws();
      if (s[i] === ']') { i += 1; return; }
      for (;;) {
        value(depth + 1); ws();
        if (s[i] === ',') { i += 1; continue; }
        if (s[i] === ']') { i += 1; return; }
        stop(`expected ',' or ']' after an array element, found ${found()}`);
      }
    }
    if (c === '"') { string(); return; }
    for (const lit of ['true', 'false', 'null']) if (s.startsWith(lit, i)) { i += lit.length; return; }
    NUM.lastIndex = i;
    const m = NUM.exec(s);
    if (m) { i += m[0].length; return; }
    stop(`expected a value, found ${found()}`);
  }
  try {
    value(0); ws();
    if (i < s.length) stop(`unexpected ${found()} after the end of the JSON value`);
    return null;
  } catch (e) {
    const r = e && typeof e.pos === 'number' ? e : { pos: i, msg: 'not valid JSON' };
    if (r.pos >= s.length) r.msg += ': the input ends too early (was it cut off when copying?)';
    return r;
  }
}

/** JSON.parse, or an InputError with line, column and the offending line. `where` prefixes it. */
export function parseJson(text, where = '') {
  try {
    return JSON.parse(text);
  } catch (err) {
    const e = findJsonError(text) ?? { pos: 0, msg: String(err?.message ?? err) };
    const { line, column, lineStart } = lineColumn(text, e.pos);
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const from = Math.max(lineStart, e.pos - 60);
    const excerpt = { text: text.slice(from, Math.min(lineEnd, e.pos + 60)), caret: e.pos - from };
    throw new InputError(`${where}JSON syntax error at line ${line}, column ${column}: ${e.msg}.`, { line, column, excerpt });
  }
}

// ------------------------------------------------------------------ dataset rows (JSONL schema)

const STRING_FIELDS = ['screen_name', 'name', 'description', 'location', 'url', 'created_at'];
const COUNT_FIELDS = ['followers_count', 'friends_count', 'statuses_count', 'favourites_count', 'listed_count'];
const BOOL_FIELDS = ['verified', 'default_profile', 'default_profile_image', 'has_banner', 'automated', 'protected'];
const ROW_HINTS = ['screen_name', 'followers_count', 'friends_count', 'statuses_count', 'collected_at', 'label', 'dataset'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A post in the coordination contract: `{post_id, account_key, text, created_at, ...}`. */
export function isPostRow(v) {
  return isObj(v) && typeof v.text === 'string' && ('post_id' in v || 'account_key' in v);
}

/** A dataset-schema row: snake_case account fields at top level, no site shape around them. */
export function isDatasetRow(v) {
  if (!isObj(v)) return false;
  if ('__typename' in v || 'legacy' in v || 'rest_id' in v || 'acct' in v || 'did' in v || 'handle' in v) return false;
  return ROW_HINTS.some((k) => k in v);
}

function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v)}`;
  return `${typeof v === 'object' ? 'an object' : `the ${typeof v} ${String(v)}`}`;
}

/**
 * One dataset row -> { account, meta, warnings }. The core treats a wrong-typed field as unknown;
 * the page also says which field that was, so a researcher sees why an account is "unknown".
 */
export function accountFromRow(row, where) {
  const warnings = [];
  const warn = (field, expected) => warnings.push(`${where}field "${field}": expected ${expected}, got ${typeName(row[field])}; treated as unknown.`);
  const acc = {};
  const platform = row.platform === 'bluesky' ? 'bluesky' : row.platform === 'mastodon' ? 'mastodon' : 'x';
  acc.platform = platform;
  if (typeof row.id === 'string' && row.id !== '') acc.id = row.id;
  else if (Number.isSafeInteger(row.id)) acc.id = String(row.id);
  else if (row.id !== undefined && row.id !== null) warn('id', 'a string');
  for (const f of STRING_FIELDS) {
    const v = row[f];
    if (typeof v === 'string') {
      if (f === 'created_at' && !ISO.test(v)) warn(f, 'an ISO 8601 UTC time like "2015-03-01T12:00:00Z"');
      else if (v !== '') acc[f] = v;
    } else if (v !== undefined && v !== null) warn(f, 'a string');
  }
  for (const f of COUNT_FIELDS) {
    const v = row[f];
    if (Number.isSafeInteger(v) && v >= 0) acc[f] = v;
    else if (v !== undefined && v !== null) warn(f, 'a whole number of 0 or more');
  }
  for (const f of BOOL_FIELDS) {
    const v = row[f];
    if (typeof v === 'boolean') acc[f] = v;
    else if (v !== undefined && v !== null) warn(f, 'true or false');
  }
  acc.key = `${platform}:${acc.id ?? String(acc.screen_name ?? '').toLowerCase()}`;
  let nowMs;
  if (row.collected_at !== undefined && row.collected_at !== null) {
    const c = row.collected_at;
    const ms = typeof c === 'string' && (DATE.test(c) || ISO.test(c)) ? Date.parse(DATE.test(c) ? `${c}T00:00:00Z` : c) : NaN;
    if (Number.isFinite(ms)) nowMs = ms;
    else warn('collected_at', 'a date like "2019-06-06"; scored as of today instead');
  }
  const meta = {
    where: where.replace(/:\s*$/, ''),
    dataset: typeof row.dataset === 'string' ? row.dataset : undefined,
    label: typeof row.label === 'string' ? row.label : undefined,
    labelDetail: typeof row.label_detail === 'string' ? row.label_detail : undefined,
    collectedAt: nowMs !== undefined ? row.collected_at : undefined,
    nowMs,
  };
  return { account: acc, meta, warnings };
}

// ------------------------------------------------------------------ site responses

/** The instance of local Mastodon accounts (whose acct has no domain), from a profile URL. */
function mastodonHost(value) {
  const stack = [value];
  for (let seen = 0; stack.length > 0 && seen < 100000; seen += 1) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (typeof node.acct === 'string' && !node.acct.includes('@') && typeof node.url === 'string') {
      try { return new URL(node.url).host; } catch { /* not a URL: keep looking */ }
    }
    for (const v of Object.values(node)) if (v !== null && typeof v === 'object') stack.push(v);
  }
  return undefined;
}

/** Site adapters other than X, by their extract function (they walk any response). */
const OTHER_SITES = [
  ['mastodon', 'extractFromMastodon', (v) => ({ host: mastodonHost(v) })],
  ['bluesky', 'extractFromBluesky', () => ({})],
];

/** Normalized accounts from the Mastodon or Bluesky adapter, when built in and they find any. */
function fromOtherSites(value) {
  for (const [site, fnName, opts] of OTHER_SITES) {
    const fn = adapters[site]?.[fnName];
    if (typeof fn !== 'function') continue;
    let out;
    try { out = fn(value, opts(value)); } catch { continue; }
    const accounts = Array.isArray(out?.accounts) ? out.accounts.filter((a) => isObj(a) && typeof a.key === 'string') : [];
    if (accounts.length > 0) return { site, accounts, posts: Array.isArray(out.posts) ? out.posts : [], links: out.links ?? [] };
  }
  return null;
}

/**
 * Whether the core should score accounts of `platform`. The Bluesky adapter says no while the
 * model is no better than chance there (BLUESKY_SCORED); the page follows the extension.
 */
export function platformScored(platform) {
  if (platform === 'bluesky') return adapters.bluesky?.BLUESKY_SCORED !== false;
  return true;
}

const SITE_NAMES = { x: 'X', mastodon: 'Mastodon', bluesky: 'Bluesky' };

/** Items for one parsed JSON value (not JSONL). */
function fromValue(value) {
  const postList = Array.isArray(value) ? value : isObj(value) && Array.isArray(value.posts) && Object.keys(value).length === 1 ? value.posts : null;
  if (postList && postList.length > 0 && postList.every(isPostRow)) {
    return { kind: `${postList.length} post${postList.length === 1 ? '' : 's'} (no accounts)`, accounts: [], posts: postList };
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isDatasetRow)) {
    return { kind: `JSON array of ${value.length} dataset-schema account${value.length === 1 ? '' : 's'}`, rows: value.map((r, i) => [r, `item ${i + 1}: `]) };
  }
  if (isDatasetRow(value)) return { kind: 'one dataset-schema account', rows: [[value, '']] };
  if (value === null || typeof value !== 'object') {
    throw new InputError(`The input is valid JSON but a ${value === null ? 'null' : typeof value}, not an account: expected an object (an X user or response, a dataset row) or JSONL.`);
  }
  const x = adapters.x?.extractFromGraphQL?.(value) ?? { users: [] };
  if (x.users.length > 0) {
    const op = isObj(value) && isObj(value.data) ? Object.keys(value.data)[0] : undefined;
    return { kind: `X ${x.users.length === 1 && !op ? 'user object' : `GraphQL response${op ? ` (data.${op})` : ''}`}`, site: 'x', accounts: x.users, posts: x.posts ?? [], links: x.tweets ?? [] };
  }
  const other = fromOtherSites(value);
  if (other) return { kind: `${SITE_NAMES[other.site] ?? other.site} response`, ...other };
  const expected = ['an X user object (with "__typename": "User" and "rest_id") or a whole X GraphQL response such as TweetDetail'];
  if (adapters.mastodon) expected.push('a Mastodon API response (an account, a status, a thread context)');
  if (adapters.bluesky) expected.push('a Bluesky API response (a profile, getProfiles, a post thread)');
  expected.push('a dataset-schema row (fields like "screen_name", "followers_count", "created_at") or JSONL of such rows');
  throw new InputError(`The JSON is valid but holds no account this page can read. Expected ${expected.join('; or ')}.`);
}

/** True when `text` looks like JSONL: several non-empty lines and the first one is a JSON object. */
function looksLikeJsonl(lines) {
  const filled = lines.filter((l) => l.trim() !== '');
  if (filled.length < 2) return false;
  try { return isObj(JSON.parse(filled[0])); } catch { return false; }
}

/**
 * Reads the page's input. Returns `{ kind, items: [{account, meta}], warnings: [string], posts }`
 * or throws an InputError that says what was wrong and where.
 */
export function readInput(text) {
  if (typeof text !== 'string' || text.trim() === '') throw new InputError('Nothing to check: paste account JSON or JSONL, drop a file, or try a sample.');
  if (text.length > MAX_INPUT_CHARS) throw new InputError(`The input is too large (${text.length.toLocaleString('en')} characters; at most ${MAX_INPUT_CHARS.toLocaleString('en')}).`);
  const src = text.replace(/^\uFEFF/, '');
  const lines = src.split(/\r?\n/);
  let found;
  let jsonError;
  try {
    found = fromValue(parseJson(src));
  } catch (err) {
    if (!(err instanceof InputError) || err.line === undefined || !looksLikeJsonl(lines)) throw err;
    jsonError = err;
  }
  if (jsonError) {
    // JSONL: one dataset-schema row per line; blank lines are skipped.
    const rows = [];
    const posts = [];
    lines.forEach((line, n) => {
      if (line.trim() === '') return;
      const where = `JSONL line ${n + 1}: `;
      let value;
      try {
        value = parseJson(line, where);
      } catch (e) {
        throw new InputError(e.message.replace(/at line 1, column/, 'at column'), { line: n + 1, column: e.column, excerpt: e.excerpt });
      }
      if (!isObj(value)) throw new InputError(`${where}expected one account object per line, got ${typeName(value)}.`, { line: n + 1 });
      if (isPostRow(value) && !isDatasetRow(value)) { posts.push(value); return; }
      if (!isDatasetRow(value)) throw new InputError(`${where}this object is not in the dataset schema (no "screen_name", "followers_count", "statuses_count", "collected_at" or "label" field) and is no post (with "text" and "post_id"). JSONL must hold one account (schema of ../shared/data/accounts) or one post per line.`, { line: n + 1 });
      rows.push([value, where]);
    });
    const kind = [rows.length ? `${rows.length} dataset-schema account${rows.length === 1 ? '' : 's'}` : '', posts.length ? `${posts.length} post${posts.length === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
    found = { kind: `JSONL, ${kind}`, rows, posts };
  }
  const warnings = [];
  let items;
  if (found.rows) {
    items = found.rows.map(([row, where]) => {
      const r = accountFromRow(row, where);
      warnings.push(...r.warnings);
      return { account: r.account, meta: r.meta };
    });
  } else {
    items = found.accounts.map((account) => ({ account, meta: {} }));
  }
  if (items.length > MAX_ACCOUNTS) {
    warnings.push(`Only the first ${MAX_ACCOUNTS} of ${items.length} accounts are checked.`);
    items = items.slice(0, MAX_ACCOUNTS);
  }
  return { kind: found.kind, site: found.site, items, warnings, posts: found.posts ?? [], links: found.links ?? [] };
}
