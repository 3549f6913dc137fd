// extension/tools/package.mjs: one manifest source -> per-browser builds and archives.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const TOOL = fileURLToPath(new URL('../../extension/tools/package.mjs', import.meta.url));
const TEST_ID = 'oandghaipbmmjadhkkbhafafnidblkhf';

function build() {
  const tmp = mkdtempSync(join(tmpdir(), 'botlens-pkg-'));
  const wasm = join(tmp, 'wasm');
  mkdirSync(wasm);
  writeFileSync(join(wasm, 'botlens.js'), 'export default async function init() {}\n');
  writeFileSync(join(wasm, 'botlens_bg.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
  execFileSync(process.execPath, [TOOL, '--wasm-dir', wasm, '--out', join(tmp, 'dist')]);
  return tmp;
}
const manifest = (tmp, target) => JSON.parse(readFileSync(join(tmp, 'dist', target, 'manifest.json'), 'utf8'));

test('chrome: module service worker, wasm CSP, no gecko settings, no key', (t) => {
  const tmp = build();
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const m = manifest(tmp, 'chrome');
  assert.deepEqual(m.background, { service_worker: 'background.js', type: 'module' });
  assert.equal(m.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
  assert.equal(m.browser_specific_settings, undefined);
  assert.equal(m.key, undefined);
  assert.deepEqual(m.permissions, ['storage', 'scripting', 'activeTab']);
  assert.deepEqual(m.host_permissions, ['https://x.com/*', 'https://twitter.com/*', 'https://bsky.app/*']);
  assert.deepEqual(m.optional_host_permissions, ['https://*/*'], 'Mastodon instances: asked per host at runtime');
  assert.equal(m.content_scripts.find((c) => c.world === 'MAIN').js[0], 'content/x-tap-main.js');
  assert.ok(existsSync(join(tmp, 'dist', 'chrome', 'wasm', 'botlens_bg.wasm')));
  assert.ok(!existsSync(join(tmp, 'dist', 'chrome', 'tools')), 'build tools stay out of the extension');
});

test('chrome-test: the same plus the fixed key with the documented id', (t) => {
  const tmp = build();
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const m = manifest(tmp, 'chrome-test');
  const { key, ...rest } = m;
  assert.deepEqual(rest, manifest(tmp, 'chrome'));
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  assert.equal([...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join(''), TEST_ID);
});

test('firefox: event page scripts, gecko id, data collection none', (t) => {
  const tmp = build();
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const m = manifest(tmp, 'firefox');
  assert.deepEqual(m.background, { scripts: ['background.js'], type: 'module' });
  assert.deepEqual(m.browser_specific_settings.gecko, {
    id: 'botlens@botlens.invalid', strict_min_version: '142.0', data_collection_permissions: { required: ['none'] },
  });
  assert.equal(m.key, undefined);
});

test('content scripts: one classic script per site, nothing web-accessible', (t) => {
  const tmp = build();
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const bundles = ['content/x-bundle.js', 'content/bluesky-bundle.js', 'content/mastodon-bundle.js'];
  for (const target of ['chrome', 'chrome-test', 'firefox']) {
    const dir = join(tmp, 'dist', target);
    const m = manifest(tmp, target);
    // No web_accessible_resources: a page cannot fetch any extension file to detect botlens.
    assert.equal(m.web_accessible_resources, undefined, `${target}: web_accessible_resources`);
    const isolated = m.content_scripts.filter((c) => c.world !== 'MAIN').map((c) => c.js);
    assert.deepEqual(isolated, [['content/x-bundle.js'], ['content/bluesky-bundle.js']], target);
    // The Mastodon scripts background.js registers at runtime are in the build, the bundle among them.
    const named = [...readFileSync(join(dir, 'background.js'), 'utf8').matchAll(/['"](content\/[\w.-]+\.js)['"]/g)].map((x) => x[1]);
    assert.ok(named.includes('content/mastodon-bundle.js'), `background.js names ${named}`);
    for (const rel of named) assert.ok(existsSync(join(dir, rel)), `${target}: ${rel} registered but not built`);
    for (const rel of bundles) {
      const code = readFileSync(join(dir, rel), 'utf8');
      // Compiles as a classic script (an import or export statement would not), and loads nothing.
      assert.doesNotThrow(() => new vm.Script(code, { filename: rel }), rel);
      assert.doesNotMatch(code, /\bimport\s*\(|import\.meta/, `${rel} loads modules`);
      assert.match(code, /startAnnotator\(\{ site: \w+Site, api \}\)/, `${rel} starts the annotator`);
    }
    // Modules only the bundles use do not ship on their own; the pages' and background's modules do.
    for (const rel of ['content/x-boot.js', 'content/x-site.js', 'content/bluesky-site.js', 'content/mastodon-site.js',
      'lib/annotator.js', 'adapters/x.js', 'ui/badge.js', 'content/x-content.js']) {
      assert.ok(!existsSync(join(dir, rel)), `${target}: ${rel} shipped`);
    }
    for (const rel of ['lib/browser.js', 'lib/i18n.js', 'lib/settings.js', 'popup/popup.js', 'options/options.js',
      'content/x-tap-main.js', 'content/social-tap-main.js']) {
      assert.ok(existsSync(join(dir, rel)), `${target}: ${rel} missing`);
    }
  }
});

test('archives and bundles: valid zips, reproducible byte for byte', (t) => {
  const a = build();
  const b = build();
  t.after(() => { rmSync(a, { recursive: true, force: true }); rmSync(b, { recursive: true, force: true }); });
  for (const name of ['botlens-chrome.zip', 'botlens-firefox.xpi']) {
    const bytesA = readFileSync(join(a, 'dist', name));
    assert.ok(bytesA.equals(readFileSync(join(b, 'dist', name))), `${name} differs between two builds`);
    const listing = execFileSync('python3', ['-m', 'zipfile', '-t', join(a, 'dist', name)], { encoding: 'utf8' });
    assert.match(listing, /Done testing/);
    const names = execFileSync('python3', ['-m', 'zipfile', '-l', join(a, 'dist', name)], { encoding: 'utf8' });
    assert.match(names, /manifest\.json/);
    assert.match(names, /wasm\/botlens_bg\.wasm/);
  }
});

test('refuses to build without the wasm', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'botlens-pkg-'));
  try {
    assert.throws(() => execFileSync(process.execPath, [TOOL, '--wasm-dir', tmp, '--out', join(tmp, 'dist')], { stdio: 'pipe' }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
