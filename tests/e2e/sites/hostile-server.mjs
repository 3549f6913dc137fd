// A local HTTPS server answering as x.com with the hostile thread (sites/hostile-x.mjs), for
// hostile.chromium.test.mjs. Same fake X app as server.mjs (site/x/app.js), plus the page's own
// script sites/hostile-page.js, which also requests broken TweetDetail bodies. Its CSP allows
// inline scripts and handlers ('unsafe-inline', no nonce) on purpose: had botlens ever inserted a
// name as HTML, the payload would run, so "the flag stayed unset" proves something.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logRequest, makeCert } from '../lib/https-site.mjs';
import { loadFixture, TWEET_DETAIL_QUERY_ID } from '../lib/x-thread.mjs';
import { brokenBodies, buildHostileThread } from './hostile-x.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const HOSTS = ['x.com', 'twitter.com'];

const CSP = [
  "default-src 'self'", "script-src 'self' 'unsafe-inline'", "connect-src 'self'", "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:", "object-src 'none'", "frame-src 'none'", "base-uri 'self'", 'report-uri /i/csp_report',
].join('; ');

export async function startHostileServer() {
  const fixture = loadFixture();
  const thread = buildHostileThread(fixture, Date.now());
  const broken = brokenBodies(thread);
  const requests = [];
  const cspReports = [];
  const statics = {
    '/site/x/app.js': ['text/javascript; charset=utf-8', readFileSync(join(here, '../site/x/app.js'))],
    '/site/x/app.css': ['text/css; charset=utf-8', readFileSync(join(here, '../site/x/app.css'))],
    '/sites/hostile-page.js': ['text/javascript; charset=utf-8', readFileSync(join(here, 'hostile-page.js'))],
  };
  const threadPath = `/${fixture.root.screen_name}/status/${thread.root.id}`;
  const detailPath = `/i/api/graphql/${TWEET_DETAIL_QUERY_ID}/TweetDetail`;
  const initialState = JSON.stringify({
    focalTweetId: thread.root.id,
    queryId: TWEET_DETAIL_QUERY_ID,
    ssrTweets: [{ id: thread.domOnly.id, name: thread.domOnly.author.name, screen_name: thread.domOnly.author.screen_name, created_at: new Date(thread.domOnly.createdMs).toISOString(), text: thread.domOnly.text }],
    brokenCursors: Object.keys(broken).map((k) => `e2e-broken-${k}`),
  }).replace(/</g, '\\u003c');
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>hostile thread</title>
<link rel="stylesheet" href="/site/x/app.css">
<script type="application/json" id="initial-state">${initialState}</script>
<script src="/sites/hostile-page.js"></script>
<script src="/site/x/app.js" defer></script>
</head><body><div id="react-root"></div></body></html>`;

  const server = createServer(makeCert(['x.com', 'twitter.com']), (req, res) => {
    const { host, url, send } = logRequest(req, res, requests, 'x.com');
    if (!HOSTS.includes(host)) return send(421, 'text/plain', 'misdirected');
    if (req.method === 'POST' && url.pathname === '/i/csp_report') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { cspReports.push(body); send(204, 'text/plain', ''); });
      return undefined;
    }
    if (statics[url.pathname]) return send(200, ...statics[url.pathname]);
    if (url.pathname === detailPath) {
      let variables = {};
      try { variables = JSON.parse(url.searchParams.get('variables') ?? '{}'); } catch { /* batch1 */ }
      const cursor = String(variables.cursor ?? '');
      if (cursor.startsWith('e2e-broken-')) return send(200, 'application/json; charset=utf-8', broken[cursor.slice('e2e-broken-'.length)] ?? '');
      return send(200, 'application/json; charset=utf-8', JSON.stringify(cursor === thread.cursorValue ? thread.batch2 : thread.batch1));
    }
    if (url.pathname === threadPath) return send(200, 'text/html; charset=utf-8', html, { 'content-security-policy': CSP });
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    return send(404, 'text/plain', 'not found');
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return {
    port: server.address().port,
    fixture,
    thread,
    requests,
    cspReports,
    url: () => `https://x.com${threadPath}`,
    foreignRequests: () => requests.filter((r) => !HOSTS.includes(r.host)),
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
