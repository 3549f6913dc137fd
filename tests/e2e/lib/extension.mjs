// Facts about the built extension the e2e tests need, read from its manifest rather than assumed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The built extension folder for a target, or a clear error telling how to build it. */
export function extensionDir(target) {
  const env = target === 'chrome' ? process.env.BOTLENS_CHROME_EXT : process.env.BOTLENS_FIREFOX_EXT;
  const dir = env ? resolve(env) : join(REPO, 'dist', target === 'chrome' ? 'chrome-test' : 'firefox');
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`no built extension at ${dir} (run ./build.sh first)`);
  }
  return dir;
}

export function readManifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}

/** Chromium's extension id for a manifest `key`: sha256 of the public key, first 32 hex digits as a-p. */
export function chromeIdFromKey(key) {
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

/** The options page path inside the extension (options_ui.page or options_page). */
export function optionsPath(manifest) {
  const p = manifest.options_ui?.page ?? manifest.options_page;
  if (!p) throw new Error('manifest has no options_ui.page / options_page');
  return p.replace(/^\//, '');
}

/** Firefox add-on id (browser_specific_settings.gecko.id). */
export function geckoId(manifest) {
  const id = manifest.browser_specific_settings?.gecko?.id ?? manifest.applications?.gecko?.id;
  if (!id) throw new Error('manifest has no browser_specific_settings.gecko.id');
  return id;
}
