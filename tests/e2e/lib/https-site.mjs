// Pieces every fake site server of the e2e tests shares: a throwaway self-signed certificate for
// the hosts it answers as, and the request log every test asserts on.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed key and certificate (2 days) for `hosts`; the first is the subject. */
export function makeCert(hosts) {
  const dir = mkdtempSync(join(tmpdir(), 'botlens-e2e-cert-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${hosts[0]}`,
    '-addext', `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const pair = { key: readFileSync(key), cert: readFileSync(cert) };
  rmSync(dir, { recursive: true, force: true });
  return pair;
}

/**
 * Logs the request into `requests` and returns its host, URL and a `send(status, type, body,
 * headers)` that records the status in the same log entry.
 */
export function logRequest(req, res, requests, fallbackHost) {
  const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
  const url = new URL(req.url, `https://${host || fallbackHost}`);
  const entry = { method: req.method, host, path: url.pathname, query: url.search, time: Date.now() };
  requests.push(entry);
  const send = (status, type, body, headers = {}) => {
    entry.status = status;
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
    res.end(body);
  };
  return { host, url, send };
}
