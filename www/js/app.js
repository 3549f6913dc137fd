// Standalone page (www/index.html), the page's one entry module. Runs the extension's own wasm
// core (dist/www/wasm/, the same build the extension ships) on input the user pastes or drops.
// Nothing leaves the page: the only requests are for the page's own files.
import init, * as core from '../wasm/botlens.js';
import { readInput, InputError, platformScored } from './input.js';
import { loadMessages } from './messages.js';
import { mainGroup } from '../ext/coordination.js';
import { fillLevels, levelRates, renderResults, renderError, summaryText, el } from './render.js';

const $ = (id) => document.getElementById(id);
const form = $('try-form');
const input = $('input');
const levelSelect = $('level');
const statusBox = $('status');
const errorBox = $('error');
const warningsBox = $('warnings');
const results = $('results');
const list = $('result-list');
const summary = $('summary');
const coordStatus = $('coord-status');
const coordList = $('coord-list');

let model = null;
let last = null; // { kind, results } of the latest check, re-rendered on a sensitivity change

const plain = (v) => JSON.parse(JSON.stringify(v, (_, x) => (x instanceof Map ? Object.fromEntries(x) : x)));

function showStatus(text) {
  statusBox.textContent = text;
}

function clearOutput() {
  errorBox.hidden = true;
  errorBox.replaceChildren();
  warningsBox.hidden = true;
  warningsBox.replaceChildren();
}

/** Scores items in batches of one "now" each (dataset rows are scored as of their collection). */
function scoreItems(items) {
  const groups = new Map();
  const verdicts = new Array(items.length).fill(null);
  items.forEach((item, i) => {
    if (!platformScored(item.account.platform)) {
      verdicts[i] = { score: null, reasons: [], facts: [], note: 'Bluesky accounts are not scored yet: measured on labelled Bluesky accounts, the model is no better than chance there (the extension shows them as unknown too).' };
      return;
    }
    const now = item.meta?.nowMs ?? Date.now();
    if (!groups.has(now)) groups.set(now, []);
    groups.get(now).push(i);
  });
  for (const [now, idx] of groups) {
    for (let from = 0; from < idx.length; from += 500) {
      const chunk = idx.slice(from, from + 500);
      const out = plain(core.score_batch({ now_ms: now, accounts: chunk.map((i) => items[i].account) }));
      chunk.forEach((i, k) => { verdicts[i] = out?.[k] ?? null; });
    }
  }
  return items.map((item, i) => ({ ...item, verdict: verdicts[i] }));
}

function render() {
  $('level-rates').textContent = model ? levelRates(model, levelSelect.value) : '';
  if (!last) return;
  const counts = renderResults(list, last.results, model, levelSelect.value);
  const text = summaryText(counts, last.kind);
  summary.textContent = `${text} Most bot-like first.`;
  results.hidden = false;
  showStatus(`Checked ${last.results.length} account${last.results.length === 1 ? '' : 's'}: results below.`);
}

/** Coordination among posts (issue 4): only when this build's core exports cluster_posts. */
function renderCoordination(posts) {
  coordList.replaceChildren();
  if (typeof core.cluster_posts !== 'function') {
    coordStatus.textContent = 'Not available yet: this build of the scorer has no coordination clustering.';
    return;
  }
  const usable = posts.filter((p) => p && typeof p.text === 'string' && p.text.trim() !== '');
  if (usable.length === 0) {
    coordStatus.textContent = 'No post texts in this input, so there is nothing to compare. Coordination is found among the posts of a thread, not in single accounts.';
    return;
  }
  // {groups, posts}: each group's state once, per post its group ids (docs/COORDINATION.md).
  const changes = plain(core.cluster_posts({ posts: usable })) ?? {};
  const groups = new Map((Array.isArray(changes.groups) ? changes.groups : []).map((g) => [g?.group, g]));
  const clusters = new Map();
  for (const p of Array.isArray(changes.posts) ? changes.posts : []) {
    const reasons = (Array.isArray(p?.groups) ? p.groups : []).map((id) => groups.get(id)).filter(Boolean);
    if (reasons.length === 0) continue;
    const main = mainGroup(reasons);
    if (!clusters.has(main.group)) clusters.set(main.group, { size: main.value, posts: [], reasons: new Set() });
    const c = clusters.get(main.group);
    c.posts.push(p.post_id);
    for (const r of reasons) c.reasons.add(r.code);
  }
  coordStatus.textContent = clusters.size === 0
    ? `${usable.length} posts compared: no coordinated cluster found.`
    : `${usable.length} posts compared: ${clusters.size} coordinated cluster${clusters.size === 1 ? '' : 's'}.`;
  const WHY = { near_duplicate_text: 'near-identical text', same_hashtag_sequence: 'the same hashtag sequence', same_link: 'the same link', creation_burst: 'accounts created in a burst' };
  for (const [id, c] of clusters) {
    const why = [...c.reasons].map((code) => WHY[code] ?? code.replace(/_/g, ' ')).join(', ');
    coordList.append(el('li', { 'data-cluster': id, text: `${c.size} accounts — ${why}: posts ${c.posts.join(', ')}` }));
  }
}

function check() {
  clearOutput();
  if (!model) {
    renderError(errorBox, new Error('The scorer is not loaded yet (see the message above).'));
    return;
  }
  let read;
  try {
    read = readInput(input.value);
  } catch (err) {
    last = null;
    results.hidden = true;
    list.replaceChildren();
    renderError(errorBox, err instanceof InputError ? err : new Error(`Unexpected problem reading the input: ${err?.message ?? err}`));
    showStatus('The input could not be read.');
    return;
  }
  if (read.warnings.length > 0) {
    const shown = read.warnings.slice(0, 50);
    warningsBox.replaceChildren(
      el('p', { class: 'warn-title', text: `${read.warnings.length} field${read.warnings.length === 1 ? '' : 's'} could not be used:` }),
      el('ul', {}, ...shown.map((w) => el('li', { text: w }))),
    );
    if (read.warnings.length > shown.length) warningsBox.append(el('p', { text: `… and ${read.warnings.length - shown.length} more.` }));
    warningsBox.hidden = false;
  }
  last = { kind: read.kind, results: scoreItems(read.items) };
  render();
  if (read.items.length === 0) {
    results.hidden = true;
    showStatus(`Read ${read.posts.length} post${read.posts.length === 1 ? '' : 's'} and no accounts: see the coordination clusters below.`);
  }
  renderCoordination(read.posts);
}

async function loadSample(button) {
  clearOutput();
  try {
    const res = await fetch(new URL(`../samples/${button.dataset.sample}`, import.meta.url));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    input.value = await res.text();
  } catch (err) {
    renderError(errorBox, new Error(`The sample could not be loaded: ${err.message}`));
    return;
  }
  check();
}

async function readFile(file) {
  if (!file) return;
  clearOutput();
  if (file.size > 20_000_000) {
    renderError(errorBox, new Error(`${file.name} is too large (${file.size.toLocaleString('en')} bytes; at most 20 MB).`));
    return;
  }
  input.value = await file.text();
  showStatus(`Read ${file.name}.`);
  check();
}

form.addEventListener('submit', (e) => { e.preventDefault(); check(); });
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); check(); }
});
levelSelect.addEventListener('change', render);
$('file').addEventListener('change', (e) => readFile(e.target.files?.[0]));
for (const b of document.querySelectorAll('button[data-sample]')) b.addEventListener('click', () => loadSample(b));
input.addEventListener('dragover', (e) => { e.preventDefault(); input.classList.add('drop'); });
input.addEventListener('dragleave', () => input.classList.remove('drop'));
input.addEventListener('drop', (e) => {
  input.classList.remove('drop');
  const file = e.dataTransfer?.files?.[0];
  if (file) { e.preventDefault(); readFile(file); }
});

async function start() {
  try {
    await Promise.all([
      loadMessages(),
      init({ module_or_path: new URL('../wasm/botlens_bg.wasm', import.meta.url) }),
    ]);
    model = plain(core.model_info());
    if (typeof core.cluster_posts === 'function') { $('coord-tag').hidden = true; $('coord-pending').hidden = true; }
    fillLevels(levelSelect, model);
    render();
    $('model-version').textContent = model.version ?? '?';
    document.documentElement.dataset.ready = 'true';
    showStatus('Ready. Everything runs in this page; nothing is uploaded.');
  } catch (err) {
    renderError(errorBox, new Error(`The scorer could not be loaded: ${err?.message ?? err}. Serve the built page (./build.sh serve) rather than opening the file directly.`));
    document.documentElement.dataset.ready = 'error';
  }
}
start();
