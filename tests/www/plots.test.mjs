// Node tests of the model-card renderer (www/tools/plots.mjs) over the documented sample file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelCardHtml, rocSvg, calibrationSvg, levelsSvg } from '../../www/tools/plots.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const curves = JSON.parse(readFileSync(join(REPO, 'www/tools/sample-eval-curves.json'), 'utf8'));
const model = { version: 'test', default_level: 'low', levels: [
  { id: 'low', threshold: 0.96, fpr: 0.01, recall: 0.67 }, { id: 'high', threshold: 0.54, fpr: 0.08, recall: 0.9 }] };

test('draws levels, calibration and per-dataset ROC and PR curves from the documented shape', () => {
  const html = modelCardHtml({ model, curves, curvesSource: 'sample.json' });
  assert.match(html, /data-curves="present"/);
  assert.equal((html.match(/<svg /g) ?? []).length, 1 + 1 + 3 * 2 + 1); // levels, calibration, 3 two-class sets x2, cresci calibration
  assert.match(html, /ROC curve, cresci-2017/);
  assert.match(html, /No curves \(one class only/); // pronbots-2019
  assert.ok(!html.includes('<script>'), 'dataset names are escaped');
  assert.match(html, /&lt;script&gt;/);
});

test('says plainly when there is no curves file, and still draws the levels', () => {
  const html = modelCardHtml({ model, curves: null, curvesNote: 'No plots: model/eval-curves.json was absent.' });
  assert.match(html, /data-curves="absent"/);
  assert.match(html, /No plots: model\/eval-curves.json was absent/);
  assert.match(levelsSvg(model.levels), /FPR 1%/);
});

test('rejects unusable points instead of drawing nonsense', () => {
  assert.equal(rocSvg('x', { roc: [[0, 0]] }), null);
  assert.equal(rocSvg('x', { roc: 'nope' }), null);
  assert.equal(calibrationSvg('x', [{ predicted: 2, observed: 0.5 }, { predicted: 0.5 }]), null);
  const svg = rocSvg('x', { roc: [[0, 0], [0.1, 0.8], [1, 1], [5, 5]], auc: 0.9 });
  assert.match(svg, /points="46.0,258.0 70.2,62.8 288.0,14.0"/);
});
