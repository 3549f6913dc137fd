#!/usr/bin/env node
// Build tool (Node, no dependencies): turns the ONE manifest source in extension/ into per-browser
// unpacked builds and store archives, as ruffle's webpack config and Dark Reader's manifest patches
// do. Usage:
//   node extension/tools/package.mjs --wasm-dir <dir with botlens.js + botlens_bg.wasm> --out dist
// Produces <out>/chrome (store-ready, no key), <out>/chrome-test (plus the fixed test `key`, so the
// extension id is stable in tests), <out>/firefox, <out>/botlens-chrome.zip and
// <out>/botlens-firefox.xpi. Archives are reproducible: sorted entries and a fixed timestamp.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const TOOLS = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.dirname(TOOLS);
const WASM_FILES = ['botlens.js', 'botlens_bg.wasm'];

/** The manifest for one target: 'chrome' | 'chrome-test' | 'firefox'. */
export function manifestFor(source, target, testKey = null) {
  const m = structuredClone(source);
  if (target === 'firefox') {
    // Firefox runs the background as an event page (`background.scripts`); it has no MV3 service
    // worker support yet: https://bugzilla.mozilla.org/show_bug.cgi?id=1573659
    delete m.background.service_worker;
  } else {
    delete m.background.scripts;
    delete m.browser_specific_settings;
    if (target === 'chrome-test') {
      if (!testKey) throw new Error('chrome-test needs the public test key');
      m.key = testKey;
    }
  }
  return m;
}

function listFiles(dir, base = dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full === TOOLS) continue;
      out.push(...listFiles(full, base));
    } else {
      out.push(path.relative(base, full));
    }
  }
  return out.sort();
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A ZIP archive of `dir` (deflate, sorted names, fixed 1980-01-01 timestamp). */
export function zipDirectory(dir) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const rel of listFiles(dir)) {
    const name = Buffer.from(rel.split(path.sep).join('/'), 'utf8');
    const data = fs.readFileSync(path.join(dir, rel));
    const packed = zlib.deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const common = (b, at) => {
      b.writeUInt16LE(20, at); // version needed
      b.writeUInt16LE(0x0800, at + 2); // UTF-8 names
      b.writeUInt16LE(8, at + 4); // deflate
      b.writeUInt16LE(0, at + 6); // time 00:00:00
      b.writeUInt16LE(0x21, at + 8); // date 1980-01-01
      b.writeUInt32LE(crc, at + 10);
      b.writeUInt32LE(packed.length, at + 14);
      b.writeUInt32LE(data.length, at + 18);
      b.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    common(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    common(central, 6);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export function build({ wasmDir, out }) {
  for (const f of WASM_FILES) {
    if (!fs.existsSync(path.join(wasmDir, f))) throw new Error(`missing ${f} in ${wasmDir} (build the wasm first)`);
  }
  const source = JSON.parse(fs.readFileSync(path.join(SRC, 'manifest.json'), 'utf8'));
  const testKey = fs.readFileSync(path.join(TOOLS, 'test-key.txt'), 'utf8').trim();
  const files = listFiles(SRC).filter((f) => f !== 'manifest.json');
  for (const target of ['chrome', 'chrome-test', 'firefox']) {
    const dest = path.join(out, target);
    fs.rmSync(dest, { recursive: true, force: true });
    for (const rel of files) {
      fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
      fs.copyFileSync(path.join(SRC, rel), path.join(dest, rel));
    }
    fs.mkdirSync(path.join(dest, 'wasm'), { recursive: true });
    for (const f of WASM_FILES) fs.copyFileSync(path.join(wasmDir, f), path.join(dest, 'wasm', f));
    const manifest = manifestFor(source, target, testKey);
    fs.writeFileSync(path.join(dest, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  fs.writeFileSync(path.join(out, 'botlens-chrome.zip'), zipDirectory(path.join(out, 'chrome')));
  fs.writeFileSync(path.join(out, 'botlens-firefox.xpi'), zipDirectory(path.join(out, 'firefox')));
}

function main(argv) {
  const args = { wasmDir: null, out: 'dist' };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--wasm-dir') args.wasmDir = argv[(i += 1)];
    else if (argv[i] === '--out') args.out = argv[(i += 1)];
    else throw new Error(`unknown argument: ${argv[i]}`);
  }
  if (!args.wasmDir) throw new Error('usage: package.mjs --wasm-dir <dir> [--out dist]');
  build(args);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`package.mjs: ${e.message}\n`);
    process.exit(1);
  }
}
