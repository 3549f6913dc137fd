// A minimal W3C WebDriver client over fetch, for driving Firefox through geckodriver in the e2e
// tests. Only what the tests use: sessions, navigation, scripts, elements, actions, windows,
// Firefox's chrome context and temporary add-on install.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** geckodriver from $GECKODRIVER, PATH or ~/.cargo/bin; null when absent. */
export function findGeckodriver() {
  const candidates = [process.env.GECKODRIVER,
    ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'geckodriver')),
    join(homedir(), '.cargo/bin/geckodriver')];
  return candidates.find((p) => p && existsSync(p)) ?? null;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts geckodriver and waits until it answers /status. Returns {url, stop(), log}. */
export async function startGeckodriver({ binary = findGeckodriver(), args = [] } = {}) {
  if (!binary) throw new Error('geckodriver not found (cargo install geckodriver --locked)');
  const port = await freePort();
  const proc = spawn(binary, ['--port', String(port), '--host', '127.0.0.1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  proc.stdout.on('data', (d) => log.push(String(d)));
  proc.stderr.on('data', (d) => log.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 10000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`geckodriver exited: ${log.join('')}`);
    try {
      const r = await fetch(`${url}/status`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > end) throw new Error(`geckodriver did not start: ${log.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    if (proc.exitCode !== null) return;
    proc.kill('SIGTERM');
    await Promise.race([new Promise((r) => proc.once('exit', r)), new Promise((r) => setTimeout(r, 3000))]);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  };
  return { url, stop, log, pid: proc.pid };
}

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    super(`${method} ${path} -> ${status} ${value?.error ?? ''}: ${value?.message ?? JSON.stringify(value)}`);
    this.error = value?.error;
  }
}

export class Session {
  constructor(base, id, capabilities) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
  }

  static async create(driverUrl, alwaysMatch) {
    const r = await request(driverUrl, 'POST', '/session', { capabilities: { alwaysMatch } });
    return new Session(driverUrl, r.sessionId, r.capabilities);
  }

  cmd(method, path = '', body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  navigate(url) { return this.cmd('POST', '/url', { url }); }
  currentUrl() { return this.cmd('GET', '/url'); }
  refresh() { return this.cmd('POST', '/refresh', {}); }
  /** Runs `script` (a function body; arguments in `arguments`) and returns its value. */
  execute(script, args = []) { return this.cmd('POST', '/execute/sync', { script, args }); }
  /** Runs `script`; it finishes by calling arguments[arguments.length - 1](value). */
  executeAsync(script, args = []) { return this.cmd('POST', '/execute/async', { script, args }); }
  async find(css) { return (await this.cmd('POST', '/element', { using: 'css selector', value: css }))[ELEMENT]; }
  async findAll(css) { return (await this.cmd('POST', '/elements', { using: 'css selector', value: css })).map((e) => e[ELEMENT]); }
  click(el) { return this.cmd('POST', `/element/${el}/click`, {}); }
  sendKeys(el, text) { return this.cmd('POST', `/element/${el}/value`, { text }); }
  elementRef(el) { return { [ELEMENT]: el }; }
  /** Moves the pointer to the centre of an element (hover). */
  hover(el) {
    return this.actions([{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
      actions: [{ type: 'pointerMove', duration: 0, origin: this.elementRef(el), x: 0, y: 0 }] }]);
  }
  moveTo(x, y) {
    return this.actions([{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
      actions: [{ type: 'pointerMove', duration: 0, origin: 'viewport', x, y }] }]);
  }
  /** Presses and releases keys (WebDriver key codes, e.g. '\uE004' for Tab). */
  keys(...keys) {
    const actions = keys.flatMap((k) => [{ type: 'keyDown', value: k }, { type: 'keyUp', value: k }]);
    return this.actions([{ type: 'key', id: 'keyboard', actions }]);
  }
  actions(actions) { return this.cmd('POST', '/actions', { actions }); }
  releaseActions() { return this.cmd('DELETE', '/actions'); }
  windowHandles() { return this.cmd('GET', '/window/handles'); }
  windowHandle() { return this.cmd('GET', '/window'); }
  switchTo(handle) { return this.cmd('POST', '/window', { handle }); }
  closeWindow() { return this.cmd('DELETE', '/window'); }
  setWindowRect(rect) { return this.cmd('POST', '/window/rect', rect); }
  screenshot() { return this.cmd('GET', '/screenshot'); }
  /** Firefox: 'chrome' (browser UI, privileged) or 'content' (the web page). */
  setContext(context) { return this.cmd('POST', '/moz/context', { context }); }
  /** Firefox: installs an unpacked extension folder as a temporary add-on; returns its id. */
  installAddon(path, temporary = true) { return this.cmd('POST', '/moz/addon/install', { path, temporary }); }
  delete() { return this.cmd('DELETE'); }
}

async function request(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = { value: { error: 'bad json', message: text } }; }
  if (!res.ok) throw new WebDriverError(method, path, res.status, json.value);
  return json.value;
}
