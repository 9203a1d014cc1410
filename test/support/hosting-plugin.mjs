// A @web/test-runner plugin for the ways the widget is hosted in production, as child processes / servers the
// browser tests drive:
// - `vcw-static-start` → `{ id, url }`: a plain static file server (another loopback origin, no API) serving a
//   copy of `dist/widget/`, the way a CDN or any web host would. `vcw-static-requests { id }` → paths asked for.
// - `vcw-nginx-start { upstreamPort }` → `{ id, https, http }`: Debian's nginx running the documented
//   `deploy/nginx/video-call-widget.conf` (listen ports, upstream port and certificate swapped for test ones: a
//   self-signed certificate made here with openssl) in its own prefix/pid/log directory; `vcw-nginx-log { id }` →
//   its access log.
// - `vcw-wordpress-render { scenario }` → the WordPress plugin's output for a scenario, rendered by its real PHP
//   in the harness (integrations/wordpress/tests/harness.php).
// `vcw-http-head { url }` → `{ status, location }` of a GET without following redirects.
// `vcw-hosting-stop { id }` stops either. Everything left is stopped when the run ends (by PID, never by name).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { createServer as createNetServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
export const NGINX_CONF = join(ROOT, 'deploy/nginx/video-call-widget.conf');
/** Debian's nginx (in /usr/sbin, often not on a normal user's PATH). */
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ?? 'nginx';
const TYPES = { '.js': 'text/javascript; charset=utf-8', '.map': 'application/json', '.json': 'application/json' };

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const canConnect = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** The documented config with test ports and certificate; throws when the file no longer has what it swaps. */
export function testNginxSite(conf, { tlsPort, httpPort, upstreamPort, cert, key, accessLog }) {
  const swaps = [
    [/^(\s*)listen 443 ssl( http2)?;$/m, (_m, indent, h2) => `${indent}listen 127.0.0.1:${tlsPort} ssl${h2 ?? ''};`],
    [/^(\s*)listen 80;$/m, (_m, indent) => `${indent}listen 127.0.0.1:${httpPort};`],
    [/^\s*listen \[::\]:(80|443)[^;]*;\n/gm, ''],
    [/server 127\.0\.0\.1:9000;/, `server 127.0.0.1:${upstreamPort};`],
    [/ssl_certificate\s+\S+;/, `ssl_certificate ${cert};`],
    [/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${key};`],
    [/access_log\s+\S+\s+video_call_widget;/g, `access_log ${accessLog} video_call_widget;`],
  ];
  let out = conf;
  for (const [pattern, replacement] of swaps) {
    if (!pattern.test(out)) throw new Error(`${NGINX_CONF} no longer matches ${pattern}: update the nginx test`);
    pattern.lastIndex = 0;
    out = out.replace(pattern, replacement);
  }
  return out;
}

/** `{ status, location }` of a plain GET, redirects not followed (a page cannot see a cross-origin redirect). */
const head = (url) =>
  new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      res.resume();
      resolve({ status: res.statusCode, location: res.headers.location ?? null });
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.once('error', reject);
  });

function renderWordPress(scenario) {
  const php = spawnSync('php', [join(ROOT, 'integrations/wordpress/tests/harness.php')], { input: JSON.stringify(scenario), encoding: 'utf8', timeout: 30_000 });
  if (php.error || php.status !== 0) throw new Error(`php failed: ${php.error ?? php.stderr}`);
  return JSON.parse(php.stdout);
}

export function hostingPlugin() {
  const running = new Map();
  let next = 1;

  async function startStatic() {
    const dir = mkdtempSync(join(tmpdir(), 'vcw-static-'));
    cpSync(join(ROOT, 'dist/widget'), dir, { recursive: true });
    const requests = [];
    const server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      requests.push(`${req.method} ${path}`);
      // Module scripts are fetched with CORS: any host serving the bundle to other origins must allow them.
      res.setHeader('Access-Control-Allow-Origin', '*');
      const file = normalize(join(dir, path));
      if (req.method !== 'GET' || !file.startsWith(dir + '/')) return void res.writeHead(404).end();
      try {
        const body = readFileSync(file);
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const id = `static-${next++}`;
    running.set(id, {
      requests,
      stop: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        rmSync(dir, { recursive: true, force: true });
      },
    });
    return { id, url: `http://127.0.0.1:${server.address().port}` };
  }

  async function startNginx({ upstreamPort }) {
    const dir = mkdtempSync(join(tmpdir(), 'vcw-nginx-'));
    // nginx's workers may run as another user (when the master is root): let them reach the temp paths.
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'tmp'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const openssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
    if (openssl.status !== 0) throw new Error(`openssl could not make a test certificate: ${openssl.stderr}`);
    let lastError;
    for (let attempt = 0; attempt < 3; attempt++) {
      const [tlsPort, httpPort] = [await freePort(), await freePort()];
      const site = testNginxSite(readFileSync(NGINX_CONF, 'utf8'), { tlsPort, httpPort, upstreamPort, cert, key, accessLog: join(dir, 'access.log') });
      writeFileSync(join(dir, 'site.conf'), site);
      writeFileSync(join(dir, 'nginx.conf'), [
        'worker_processes 1;',
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log info;`,
        'events { worker_connections 256; }',
        'http {',
        `  access_log ${dir}/access.log;`,
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`),
        `  include ${dir}/site.conf;`,
        '}',
        '',
      ].join('\n'));
      const proc = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      proc.stdout.on('data', (d) => (output += d));
      proc.stderr.on('data', (d) => (output += d));
      let spawnFailure;
      const spawnError = new Promise((resolve) => proc.once('error', (error) => resolve((spawnFailure = error))));
      const deadline = Date.now() + 10_000;
      let up = false;
      while (!up && !spawnFailure && Date.now() < deadline && proc.exitCode === null) {
        up = (await canConnect(tlsPort)) && (await canConnect(httpPort));
        if (!up) await Promise.race([new Promise((r) => setTimeout(r, 50)), spawnError]);
      }
      if (up && proc.exitCode === null) {
        const id = `nginx-${next++}`;
        running.set(id, {
          log: () => readFileSync(join(dir, 'access.log'), 'utf8'),
          stop: async () => {
            const exited = new Promise((resolve) => (proc.exitCode !== null ? resolve() : proc.once('exit', resolve)));
            proc.kill('SIGTERM');
            const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(timer);
            rmSync(dir, { recursive: true, force: true });
          },
        });
        return { id, https: `https://127.0.0.1:${tlsPort}`, http: `http://127.0.0.1:${httpPort}` };
      }
      if (spawnFailure) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`cannot run nginx (${spawnFailure.message}): install Debian's "nginx" package (.ci/run does)`);
      }
      if (proc.exitCode === null) proc.kill('SIGKILL');
      let errors = '';
      try {
        errors = readFileSync(join(dir, 'error.log'), 'utf8');
      } catch {}
      lastError = new Error(`nginx did not start: ${output}\n${errors}`);
      // A port taken between probing and binding: try other ports; anything else fails at once.
      if (!/Address already in use/.test(output + errors)) break;
    }
    rmSync(dir, { recursive: true, force: true });
    throw lastError;
  }

  async function stop(id) {
    const entry = running.get(id);
    if (!entry) return false;
    running.delete(id);
    await entry.stop();
    return true;
  }

  return {
    name: 'vcw-hosting',
    async executeCommand({ command, payload }) {
      if (command === 'vcw-static-start') return startStatic();
      if (command === 'vcw-static-requests') return running.get(payload.id)?.requests ?? null;
      if (command === 'vcw-nginx-start') return startNginx(payload);
      if (command === 'vcw-nginx-log') return running.get(payload.id)?.log() ?? null;
      if (command === 'vcw-http-head') return head(payload.url);
      if (command === 'vcw-wordpress-render') return renderWordPress(payload.scenario);
      if (command === 'vcw-hosting-stop') return stop(payload.id);
      return undefined;
    },
    async serverStop() {
      await Promise.all([...running.keys()].map(stop));
    },
  };
}
