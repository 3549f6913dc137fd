// A local HTTPS server answering as bsky.app (+ its AppView public.api.bsky.app) and as a
// Mastodon instance (mastodon.social) for the e2e tests, with CSPs like the real sites' (bsky.app:
// no 'wasm-unsafe-eval'; mastodon.social: nonce'd styles, no 'unsafe-inline'). The fake web apps
// (sites/{bluesky,mastodon}/app.js) load the saved JSON of tests/fixtures/ the way the real apps do:
// Bluesky by fetch() cross-origin to the AppView (CORS preflight, atproto-accept-labelers header,
// getPostThreadV2), Mastodon by XMLHttpRequest same-origin (/api/v1/statuses/:id and /context).
// Every request is logged so tests can check that nothing but the page talked to the network.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { logRequest, makeCert } from '../lib/https-site.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plantBluesky, plantMastodon } from './planted.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FIX = join(here, '../../fixtures');
export const BSKY_HOSTS = ['bsky.app', 'public.api.bsky.app'];
export const MASTODON_HOST = 'mastodon.social';
export const HOSTS = [...BSKY_HOSTS, MASTODON_HOST];
const json = (p) => JSON.parse(readFileSync(join(FIX, p), 'utf8'));


const BSKY_CSP = () => [
  "default-src 'self'", "script-src 'self' https://web-cdn.bsky.app", "connect-src 'self' https://public.api.bsky.app",
  "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "object-src 'none'", "base-uri 'self'",
  'report-uri https://bsky.app/csp-report',
].join('; ');
const MASTODON_CSP = (nonce) => [
  "default-src 'none'", "frame-ancestors 'none'", "font-src 'self' https://mastodon.social",
  "img-src 'self' data: blob: https://mastodon.social", `style-src 'self' https://mastodon.social 'nonce-${nonce}'`,
  "media-src 'self' data: https://mastodon.social", "manifest-src 'self' https://mastodon.social", "form-action 'self'",
  "child-src 'self' blob: https://mastodon.social", "worker-src 'self' blob: https://mastodon.social",
  "connect-src 'self' data: blob: https://mastodon.social wss://streaming.mastodon.social",
  "script-src 'self' https://mastodon.social 'wasm-unsafe-eval'", "base-uri 'none'", 'report-uri https://mastodon.social/csp-report',
].join('; ');

const page = ({ title, app, css, nonce = '', state }) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="${css}"${nonce ? ` nonce="${nonce}"` : ''}>
<script type="application/json" id="initial-state">${JSON.stringify(state).replace(/</g, '\\u003c')}</script>
<script src="${app}" defer></script></head>
<body><div id="root"></div></body></html>
`;

export async function startSocialServer({ port = 0 } = {}) {
  const bPlant = plantBluesky(json('bluesky/get-post-thread-v2.json'));
  const { thread } = bPlant;
  const anchor = thread.thread[0].value.post;
  const anchorHandle = anchor.author.handle;
  const anchorRkey = anchor.uri.split('/').pop();
  const mRoot = json('mastodon/status.json');
  const mPlant = plantMastodon(json('mastodon/context.json'), mRoot);
  const mContext = mPlant.context;
  const requests = [];
  const cspReports = [];
  const statics = {
    '/site/bluesky/app.js': ['text/javascript', readFileSync(join(here, 'bluesky/app.js'))],
    '/site/bluesky/app.css': ['text/css', readFileSync(join(here, 'bluesky/app.css'))],
    '/site/mastodon/app.js': ['text/javascript', readFileSync(join(here, 'mastodon/app.js'))],
    '/site/mastodon/app.css': ['text/css', readFileSync(join(here, 'mastodon/app.css'))],
  };
  const server = createServer(makeCert(HOSTS), (req, res) => {
    const { host, url, send } = logRequest(req, res, requests, 'invalid');
    if (!HOSTS.includes(host)) return send(421, 'text/plain', 'misdirected');
    if (req.method === 'POST' && url.pathname === '/csp-report') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { cspReports.push(body); send(204, 'text/plain', ''); });
      return undefined;
    }
    if (host === 'public.api.bsky.app') {
      const cors = {
        'access-control-allow-origin': 'https://bsky.app',
        'access-control-allow-headers': 'atproto-accept-labelers, content-type',
        'access-control-allow-methods': 'GET, OPTIONS',
      };
      if (req.method === 'OPTIONS') return send(204, 'text/plain', '', cors);
      if (url.pathname === '/xrpc/app.bsky.unspecced.getPostThreadV2' && url.searchParams.get('anchor') === anchor.uri) {
        return send(200, 'application/json; charset=utf-8', JSON.stringify(thread), cors);
      }
      return send(400, 'application/json', '{"error":"InvalidRequest"}', cors);
    }
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed');
    if (statics[url.pathname] && (host === 'bsky.app') === url.pathname.includes('/bluesky/')) {
      const [type, body] = statics[url.pathname];
      return send(200, `${type}; charset=utf-8`, body);
    }
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (host === 'bsky.app') {
      if (url.pathname === '/' || /^\/profile\/[^/]+\/post\/[^/]+$/.test(url.pathname)) {
        return send(200, 'text/html; charset=utf-8', page({
          title: 'Bluesky', app: '/site/bluesky/app.js', css: '/site/bluesky/app.css', state: { anchor: anchor.uri },
        }), { 'content-security-policy': BSKY_CSP() });
      }
      return send(404, 'text/plain', 'not found');
    }
    // mastodon.social
    if (url.pathname === `/api/v1/statuses/${mRoot.id}`) return send(200, 'application/json; charset=utf-8', JSON.stringify(mRoot));
    if (url.pathname === `/api/v1/statuses/${mRoot.id}/context`) return send(200, 'application/json; charset=utf-8', JSON.stringify(mContext));
    if (url.pathname === '/' || /^\/@[^/]+\/\d+$/.test(url.pathname)) {
      const nonce = randomBytes(16).toString('base64');
      return send(200, 'text/html; charset=utf-8', page({
        title: 'Mastodon', app: '/site/mastodon/app.js', css: '/site/mastodon/app.css', nonce, state: { statusId: mRoot.id },
      }), { 'content-security-policy': MASTODON_CSP(nonce) });
    }
    return send(404, 'text/plain', 'not found');
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return {
    port: server.address().port,
    requests,
    cspReports,
    bluesky: { thread, url: `https://bsky.app/profile/${anchorHandle}/post/${anchorRkey}`, posts: thread.thread.filter((i) => i.value.post).map((i) => i.value.post),
      coordination: { members: bPlant.members, short: bPlant.short } },
    mastodon: { root: mRoot, context: mContext, url: `https://${MASTODON_HOST}/@${mRoot.account.acct}/${mRoot.id}`, statuses: [mRoot, ...mContext.descendants],
      coordination: { members: mPlant.members, short: mPlant.short } },
    foreignRequests: () => requests.filter((r) => !HOSTS.includes(r.host)),
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
