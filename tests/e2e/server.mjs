// A local HTTPS server that answers as x.com and twitter.com for the e2e tests: a thread page
// with an X-like strict CSP, the page's own JS (site/x/app.js), and X GraphQL TweetDetail
// responses built from real dataset accounts (lib/x-thread.mjs). It logs every request it gets,
// so tests can check that nothing but the page itself talked to the network.
//
//   import { startServer } from './server.mjs';
//   const srv = await startServer();   // srv.port, srv.url(path), srv.requests, srv.cspReports, srv.thread
//   await srv.close();
//
// Run by hand: `node tests/e2e/server.mjs [port]` prints the URL and keeps serving.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { logRequest, makeCert } from './lib/https-site.mjs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildThread, loadFixture, TWEET_DETAIL_QUERY_ID } from './lib/x-thread.mjs';
import { buildLongThread, longParams } from '../bench/lib/long-thread.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const HOSTS = ['x.com', 'twitter.com'];

/** A throwaway self-signed certificate for x.com and twitter.com (browsers run with cert errors ignored). */

/** X-like CSP: scripts only from self (plus a nonce), no 'unsafe-eval', no 'wasm-unsafe-eval'. */
function csp(nonce) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "connect-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'self' blob:",
    "form-action 'self'",
    "base-uri 'self'",
    'report-uri /i/csp_report',
  ].join('; ');
}

function htmlEscape(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page({ nonce, initialState, title }) {
  // JSON inside <script type="application/json">: escape "<" so no text can close the element.
  const state = JSON.stringify(initialState).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html dir="ltr" lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${htmlEscape(title)}</title>
<link rel="stylesheet" href="/site/x/app.css">
<script type="application/json" id="initial-state">${state}</script>
<script src="/site/x/app.js" nonce="${nonce}" defer></script>
</head>
<body>
<div id="react-root"><noscript>JavaScript is not available.</noscript></div>
</body>
</html>
`;
}

/**
 * Starts the server on 127.0.0.1 (port 0 = any free port).
 * @param {{port?: number, fixturePath?: string, now?: number}} [opts]
 */
export async function startServer(opts = {}) {
  const fixture = loadFixture(opts.fixturePath);
  const now = opts.now ?? Date.now();
  const thread = buildThread(fixture, now);
  // Long threads for the benchmarks (`?replies=2000&batch=100`, tests/bench/): built on demand.
  const longThreads = new Map();
  const longThread = (p) => {
    const k = `${p.replies}/${p.batch}`;
    if (!longThreads.has(k)) longThreads.set(k, buildLongThread(fixture, now, p));
    return longThreads.get(k);
  };
  const requests = [];
  const cspReports = [];
  const statics = {
    '/site/x/app.js': ['text/javascript; charset=utf-8', readFileSync(join(here, 'site/x/app.js'))],
    '/site/x/app.css': ['text/css; charset=utf-8', readFileSync(join(here, 'site/x/app.css'))],
  };
  const threadPath = `/${fixture.root.screen_name}/status/${thread.root.id}`;
  const detailPath = `/i/api/graphql/${TWEET_DETAIL_QUERY_ID}/TweetDetail`;

  const server = createServer(makeCert(['x.com', 'twitter.com', '*.x.com', '*.twitter.com']), (req, res) => {
    const { host, url, send } = logRequest(req, res, requests, 'x.com');
    if (!HOSTS.includes(host)) return send(421, 'text/plain', 'misdirected');

    if (req.method === 'POST' && url.pathname === '/i/csp_report') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        try { cspReports.push(JSON.parse(body)); } catch { cspReports.push({ raw: body }); }
        send(204, 'text/plain', '');
      });
      return undefined;
    }
    if (req.method !== 'GET') return send(405, 'text/plain', 'method not allowed');

    if (statics[url.pathname]) {
      const [type, body] = statics[url.pathname];
      return send(200, type, body);
    }
    if (url.pathname === detailPath) {
      let variables = {};
      try { variables = JSON.parse(url.searchParams.get('variables') ?? '{}'); } catch { /* bad request below */ }
      if (variables.focalTweetId !== thread.root.id) return send(404, 'application/json', '{"errors":[{"message":"not found"}]}');
      const long = longParams(variables.botlensBench);
      if (long) {
        const pages = longThread(long).json;
        const k = /^bench-(\d+)$/.exec(variables.cursor ?? '')?.[1] ?? 0;
        return pages[k] ? send(200, 'application/json; charset=utf-8', pages[k]) : send(404, 'application/json', '{"errors":[]}');
      }
      const body = variables.cursor === thread.cursorValue ? thread.batch2 : thread.batch1;
      return send(200, 'application/json; charset=utf-8', JSON.stringify(body));
    }
    if (url.pathname === '/' || /^\/[A-Za-z0-9_]{1,15}\/status\/\d+$/.test(url.pathname)) {
      const nonce = randomBytes(16).toString('base64');
      const long = longParams(url.searchParams);
      const initialState = {
        focalTweetId: thread.root.id,
        queryId: TWEET_DETAIL_QUERY_ID,
        // The benchmarks' long thread, loaded page by page as the page scrolls (no DOM-only post).
        ...(long ? { long } : {}),
        // Rendered from "server state" only: no GraphQL JSON carries this post or its author.
        ssrTweets: long ? [] : [{
          id: thread.domOnly.id,
          name: thread.domOnly.author.name,
          screen_name: thread.domOnly.author.screen_name,
          created_at: new Date(thread.domOnly.createdMs).toISOString(),
          text: thread.domOnly.text,
        }],
      };
      return send(200, 'text/html; charset=utf-8', page({ nonce, initialState, title: `${fixture.root.name} on X` }), {
        'content-security-policy': csp(nonce),
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
      });
    }
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    return send(404, 'text/plain', 'not found');
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

  return {
    port,
    fixture,
    thread,
    threadPath,
    requests,
    cspReports,
    /** The benchmarks' long thread for `{replies, batch}` (its `posts` = articles on the page). */
    longThread,
    /** The page URL as the browser sees it (x.com on port 443, mapped to our port). */
    url: (path = threadPath, host = 'x.com') => `https://${host}${path}`,
    /** Requests whose Host is not one of ours (the server answers them 421). */
    foreignRequests: () => requests.filter((r) => !HOSTS.includes(r.host)),
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const srv = await startServer({ port: Number(process.argv[2] ?? 8443) });
  console.log(`serving ${srv.url()} on 127.0.0.1:${srv.port}`);
  console.log(`chromium --host-resolver-rules="MAP x.com 127.0.0.1:${srv.port}, MAP twitter.com 127.0.0.1:${srv.port}" --ignore-certificate-errors`);
  setInterval(() => {
    while (srv.requests.length) {
      const r = srv.requests.shift();
      console.log(`${r.status ?? '-'} ${r.method} ${r.host}${r.path}`);
    }
  }, 500);
}
