// Build-time (Node) renderer of the model card's pictures: plain SVG strings, no dependencies, no
// network. Input shapes are documented in www/README.md ("Model card data"). Every string from
// the input is escaped; colours come from classes styled by www/style.css (the page's CSP allows
// no inline style attributes).

export const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const num = (v) => typeof v === 'number' && Number.isFinite(v);
const pct = (x, digits = 1) => (num(x) ? `${(x * 100).toFixed(digits).replace(/\.0+$/, '')}%` : '—');
const fix = (x) => (num(x) ? x.toFixed(3) : '—');
const slug = (s) => String(s).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';

const W = 300; const H = 300; const M = { l: 46, r: 12, t: 14, b: 42 };
const PW = W - M.l - M.r; const PH = H - M.t - M.b;
const sx = (x) => (M.l + Math.min(1, Math.max(0, x)) * PW).toFixed(1);
const sy = (y) => (M.t + (1 - Math.min(1, Math.max(0, y))) * PH).toFixed(1);

/** Points `[[x, y], ...]` within [0,1]², sorted by x then y; null when unusable. */
export function cleanPoints(points) {
  if (!Array.isArray(points)) return null;
  const out = points.filter((p) => Array.isArray(p) && num(p[0]) && num(p[1]) && p[0] >= 0 && p[0] <= 1 && p[1] >= 0 && p[1] <= 1);
  return out.length >= 2 ? out : null;
}

function axes(xLabel, yLabel) {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  let s = `<rect class="plot-bg" x="${M.l}" y="${M.t}" width="${PW}" height="${PH}"/>`;
  for (const v of ticks) {
    s += `<line class="grid" x1="${sx(v)}" y1="${M.t}" x2="${sx(v)}" y2="${M.t + PH}"/><line class="grid" x1="${M.l}" y1="${sy(v)}" x2="${M.l + PW}" y2="${sy(v)}"/>`;
    s += `<text class="tick" x="${sx(v)}" y="${M.t + PH + 14}" text-anchor="middle">${v}</text>`;
    s += `<text class="tick" x="${M.l - 6}" y="${Number(sy(v)) + 4}" text-anchor="end">${v}</text>`;
  }
  s += `<text class="axis-label" x="${M.l + PW / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>`;
  s += `<text class="axis-label" transform="translate(12 ${M.t + PH / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`;
  return s;
}

function svg(id, title, desc, body) {
  return `<svg class="plot" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">`
    + `<title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(desc)}</desc>${body}</svg>`;
}

const polyline = (pts, cls) => `<polyline class="${cls}" fill="none" points="${pts.map(([x, y]) => `${sx(x)},${sy(y)}`).join(' ')}"/>`;

/** ROC curve of one dataset (optionally with the sensitivity levels' FPRs as vertical marks). */
export function rocSvg(name, block, levels = []) {
  const pts = cleanPoints(block?.roc);
  if (!pts) return null;
  const id = `roc-${slug(name)}`;
  let body = axes('false-positive rate (humans flagged)', 'true-positive rate (bots flagged)');
  body += `<line class="reference" x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}"/>`;
  for (const l of levels) if (num(l.fpr)) body += `<line class="level-mark" x1="${sx(l.fpr)}" y1="${M.t}" x2="${sx(l.fpr)}" y2="${M.t + PH}"><title>${esc(`${l.id}: FPR ${pct(l.fpr)}`)}</title></line>`;
  body += polyline(pts, 'curve');
  return svg(id, `ROC curve, ${name}`, `Bots flagged against humans wrongly flagged as the threshold moves; area under the curve ${fix(block.auc)}. The dashed diagonal is chance.`, body);
}

/** Precision-recall curve of one dataset. */
export function prSvg(name, block) {
  const pts = cleanPoints(block?.pr);
  if (!pts) return null;
  const id = `pr-${slug(name)}`;
  let body = axes('recall (share of bots flagged)', 'precision (flagged that are bots)');
  if (num(block.bots) && num(block.n) && block.n > 0) {
    const base = block.bots / block.n;
    body += `<line class="reference" x1="${sx(0)}" y1="${sy(base)}" x2="${sx(1)}" y2="${sy(base)}"/>`;
  }
  body += polyline(pts, 'curve');
  return svg(id, `Precision-recall curve, ${name}`, `Precision against recall as the threshold moves; average precision ${fix(block.average_precision)}. The dashed line is the share of bots in the set.`, body);
}

/** Calibration: observed share of bots per bin of predicted score. */
export function calibrationSvg(name, bins) {
  if (!Array.isArray(bins)) return null;
  const ok = bins.filter((b) => b && num(b.predicted) && num(b.observed) && b.predicted >= 0 && b.predicted <= 1 && b.observed >= 0 && b.observed <= 1);
  if (ok.length < 2) return null;
  const id = `cal-${slug(name)}`;
  let body = axes('predicted bot-like score', 'observed share of bots');
  body += `<line class="reference" x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}"/>`;
  body += polyline(ok.map((b) => [b.predicted, b.observed]), 'curve');
  for (const b of ok) body += `<circle class="dot" cx="${sx(b.predicted)}" cy="${sy(b.observed)}" r="3"><title>${esc(`predicted ${fix(b.predicted)}, observed ${fix(b.observed)}${num(b.n) ? `, ${b.n} accounts` : ''}`)}</title></circle>`;
  return svg(id, `Calibration, ${name}`, 'Observed share of bots against the predicted score, per score bin. On the dashed diagonal, a score of 0.8 means 80% of such accounts are bots.', body);
}

/** The sensitivity levels: false-positive rate and recall per level, as bars. */
export function levelsSvg(levels) {
  const ok = (levels ?? []).filter((l) => l && typeof l.id === 'string');
  if (ok.length === 0) return null;
  const rowH = 54; const left = 90; const width = 560; const barW = width - left - 70;
  const h = ok.length * rowH + 40;
  let body = `<text class="axis-label" x="${left}" y="16">share of humans wrongly flagged (FPR) and of known bots caught (recall)</text>`;
  ok.forEach((l, i) => {
    const y = 30 + i * rowH;
    body += `<text class="tick level-name" x="${left - 8}" y="${y + 22}" text-anchor="end">${esc(l.id)}</text>`;
    const bar = (v, dy, cls, label) => {
      const w = num(v) ? Math.max(1, Math.min(1, v) * barW) : 0;
      return `<rect class="${cls}" x="${left}" y="${y + dy}" width="${w.toFixed(1)}" height="18"/>`
        + `<text class="tick" x="${left + w + 6}" y="${y + dy + 14}">${esc(`${label} ${pct(v)}`)}</text>`;
    };
    body += bar(l.fpr, 2, 'bar-fpr', 'FPR') + bar(l.recall, 22, 'bar-recall', 'recall');
  });
  return `<svg class="plot levels" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}" role="img" aria-labelledby="levels-t levels-d" xmlns="http://www.w3.org/2000/svg">`
    + `<title id="levels-t">Sensitivity levels</title><desc id="levels-d">${esc(ok.map((l) => `${l.id}: threshold ${fix(l.threshold)}, false-positive rate ${pct(l.fpr)}, recall ${pct(l.recall)}`).join('; '))}</desc>${body}</svg>`;
}

function levelsTable(levels, defaultLevel) {
  const rows = levels.map((l) => `<tr><th scope="row">${esc(l.id)}${l.id === defaultLevel ? ' (default)' : ''}</th><td>${fix(l.threshold)}</td><td>${pct(l.fpr)}</td><td>${pct(l.recall)}</td></tr>`).join('');
  return `<table><caption>Sensitivity levels as built</caption><thead><tr><th scope="col">level</th><th scope="col">threshold</th><th scope="col">false-positive rate</th><th scope="col">recall</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function datasetTable(perDataset) {
  const rows = Object.entries(perDataset).map(([name, b]) => `<tr><th scope="row">${esc(name)}</th><td>${num(b?.n) ? b.n : '—'}</td><td>${num(b?.bots) ? b.bots : '—'}</td><td>${num(b?.humans) ? b.humans : '—'}</td><td>${fix(b?.auc)}</td><td>${fix(b?.average_precision)}</td></tr>`).join('');
  return `<table><caption>Per dataset</caption><thead><tr><th scope="col">dataset</th><th scope="col">accounts</th><th scope="col">bots</th><th scope="col">humans</th><th scope="col">ROC AUC</th><th scope="col">average precision</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * The model card's HTML: levels (from the built model's model_info()), then, when `curves` is
 * given, calibration and per-dataset ROC and PR curves. `curvesNote` explains a missing file.
 */
export function modelCardHtml({ model, curves, curvesSource, curvesNote }) {
  const levels = Array.isArray(model?.levels) ? model.levels : [];
  let html = `<section aria-labelledby="levels-h"><h2 id="levels-h">Sensitivity levels</h2>`
    + `<p>Model <code>${esc(model?.version ?? '?')}</code>. The extension flags an account when its score reaches the threshold of the level you choose; the default is <strong>${esc(model?.default_level ?? '?')}</strong>. The rates are those the model reports for itself; <a href="MODEL.md">MODEL.md</a> says how they were measured.</p>`;
  const lv = levelsSvg(levels);
  html += lv ? `<figure>${lv}<figcaption>False-positive rate and recall per sensitivity level.</figcaption></figure>${levelsTable(levels, model?.default_level)}` : '<p>The model reports no levels.</p>';
  html += '</section>';
  if (!curves) {
    html += `<section aria-labelledby="curves-h" class="no-curves"><h2 id="curves-h">Curves</h2><p class="notice" data-curves="absent">${esc(curvesNote ?? 'The evaluation curves were not available when this page was built, so there are no ROC, precision-recall or calibration plots.')}</p></section>`;
    return html;
  }
  const per = curves.per_dataset && typeof curves.per_dataset === 'object' ? curves.per_dataset : {};
  html += `<section aria-labelledby="cal-h"><h2 id="cal-h">Calibration</h2>`;
  const cal = calibrationSvg('all datasets', curves.calibration);
  html += cal ? `<figure>${cal}<figcaption>Is a score of 0.8 right 80% of the time? Points on the diagonal are well calibrated.</figcaption></figure>` : '<p>No calibration bins in the evaluation file.</p>';
  html += '</section>';
  html += `<section aria-labelledby="curves-h" data-curves="present"><h2 id="curves-h">ROC and precision-recall per dataset</h2>`
    + `<p>From <code>${esc(curvesSource ?? 'the evaluation file')}</code>${curves.model ? ` for model <code>${esc(curves.model)}</code>` : ''}${curves.source ? `: ${esc(curves.source)}` : ''}. Vertical marks on the ROC curves are the sensitivity levels' false-positive rates. Datasets with only bots or only humans have no curves (a rate needs both).</p>`;
  html += datasetTable(per);
  for (const [name, block] of Object.entries(per)) {
    const roc = rocSvg(name, block, levels);
    const pr = prSvg(name, block);
    html += `<section class="dataset" aria-labelledby="ds-${slug(name)}"><h3 id="ds-${slug(name)}">${esc(name)}</h3>`;
    html += roc || pr
      ? `<div class="figures">${roc ? `<figure>${roc}</figure>` : ''}${pr ? `<figure>${pr}</figure>` : ''}</div>`
      : '<p>No curves (one class only, or no points).</p>';
    const calD = calibrationSvg(name, block?.calibration);
    if (calD) html += `<figure>${calD}</figure>`;
    html += '</section>';
  }
  html += '</section>';
  return html;
}
