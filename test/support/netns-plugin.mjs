// A @web/test-runner plugin that puts a second, real Chromium behind a network we control: a network namespace
// of our own joined to this host by a veth pair (10.231.N.1 here, 10.231.N.2 there). Commands:
//   'vcw-netns-create'                      → { id, hostIp, farIp }
//   'vcw-netns-browser', { id, url }        starts Chromium (fake devices) in the namespace at `url`
//   'vcw-netns-cut', { id, keepTcpPort?, keepUdpPort? }  drops every packet between the two ends, IPv4 and IPv6 (except TCP to that
//                                           server port, and UDP from that port of the far browser)
//   'vcw-netns-restore', { id }             lifts the cut
//   'vcw-netns-eval', { id, expression }    evaluates an expression in that Chromium's page (DevTools protocol)
//   'vcw-netns-kill-browser', { id }        SIGKILLs that Chromium (its whole process group)
//   'vcw-netns-destroy', { id }             kills the browser, deletes the namespace (and with it the veth pair)
// Needs root, `ip` (iproute2) and `nft` (nftables); .ci/run installs nftables.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALL_FLAGS, chromiumPath } from './chromium.mjs';

const DEVTOOLS_PORT = 9333;
const EVAL_SCRIPT = new URL('./netns-eval.mjs', import.meta.url).pathname;
/** `ip` and `nft` live in sbin, which a non-login root shell may not have on its PATH. */
const sbin = (name) => ['/usr/sbin/', '/sbin/', '/usr/bin/', '/bin/'].map((dir) => dir + name).find((path) => existsSync(path)) ?? name;
const IP = sbin('ip');
const NFT = sbin('nft');
const run = (...args) => execFileSync(args[0] === 'ip' ? IP : args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export function netnsPlugin() {
  const spaces = new Map();

  function create() {
    if (process.getuid?.() !== 0) throw new Error('the network tests need root (network namespaces and nftables)');
    const used = run('ip', '-o', 'addr');
    let n;
    do n = 1 + Math.floor(Math.random() * 250);
    while (used.includes(`10.231.${n}.`));
    const id = `vcw${process.pid % 10000}n${n}`;
    const hostIf = `${id}h`;
    const hostIp = `10.231.${n}.1`;
    const farIp = `10.231.${n}.2`;
    run('ip', 'netns', 'add', id);
    try {
      run('ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', `${id}f`);
      run('ip', 'link', 'set', `${id}f`, 'netns', id);
      run('ip', 'addr', 'add', `${hostIp}/30`, 'dev', hostIf);
      run('ip', 'link', 'set', hostIf, 'up');
      run('ip', 'netns', 'exec', id, IP, 'addr', 'add', `${farIp}/30`, 'dev', `${id}f`);
      run('ip', 'netns', 'exec', id, IP, 'link', 'set', `${id}f`, 'up');
      run('ip', 'netns', 'exec', id, IP, 'link', 'set', 'lo', 'up');
    } catch (error) {
      destroy(id);
      throw error;
    }
    spaces.set(id, { hostIf, hostIp, farIp, browser: undefined, dir: undefined });
    return { id, hostIp, farIp };
  }

  function browser(id, url) {
    const space = spaces.get(id);
    if (!space) throw new Error(`no namespace ${id}`);
    const origin = new URL(url).origin;
    space.dir = mkdtempSync(join(tmpdir(), 'vcw-far-'));
    // `ip netns exec` execs Chromium in place; its own process group lets us end exactly what we started.
    space.browser = spawn(IP, ['netns', 'exec', id, chromiumPath(), ...CALL_FLAGS, '--use-fake-ui-for-media-stream',
      `--unsafely-treat-insecure-origin-as-secure=${origin}`, `--user-data-dir=${space.dir}`,
      // Inside the namespace's own loopback: nothing else listens there.
      `--remote-debugging-port=${DEVTOOLS_PORT}`, '--remote-allow-origins=*', url], {
      detached: true,
      stdio: 'ignore',
    });
    const proc = space.browser;
    // A browser killed earlier may report its exit after the next one started: only forget this one.
    proc.on('exit', () => {
      if (space.browser === proc) space.browser = undefined;
    });
    return { pid: space.browser.pid };
  }

  function killBrowser(id) {
    const proc = spaces.get(id)?.browser;
    if (!proc?.pid) return false;
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    return true;
  }

  /** Evaluate in the far page: a small Node script run inside the namespace speaks the DevTools protocol. */
  function evaluate(id, expression) {
    if (!spaces.get(id)?.browser) throw new Error(`no browser in ${id}`);
    const out = execFileSync(IP, ['netns', 'exec', id, process.execPath, EVAL_SCRIPT, String(DEVTOOLS_PORT), expression], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    }).toString();
    return JSON.parse(out);
  }

  function cut(id, keepTcpPort, keepUdpPort) {
    const space = spaces.get(id);
    if (!space) throw new Error(`no namespace ${id}`);
    // keepTcpPort: the server's port on the host end (signaling); keepUdpPort: a port of the far browser's own (one
    // peer connection's ICE socket).
    // Matched by port alone, in both address families: the pair that ICE selected for the kept connection may run
    // over the veth pair's IPv6 link-local addresses as well as over its IPv4 ones.
    const keepOut = (keepTcpPort ? `tcp dport ${Number(keepTcpPort)} accept;` : '') +
      (keepUdpPort ? ` udp sport ${Number(keepUdpPort)} accept;` : '');
    const keepIn = (keepTcpPort ? `tcp sport ${Number(keepTcpPort)} accept;` : '') +
      (keepUdpPort ? ` udp dport ${Number(keepUdpPort)} accept;` : '');
    // Everything over the namespace's link goes, IPv6 included: the veth pair has IPv6 link-local addresses, and an
    // ICE pair over them kept a media path alive through a cut that matched IPv4 addresses only (a test waited 60 s
    // for an ICE failure that never came).
    const link = `${id}f`;
    const rules = `table inet vcwcut {
      chain out { type filter hook output priority 0; policy accept; ${keepOut} oifname "${link}" drop; }
      chain in { type filter hook input priority 0; policy accept; ${keepIn} iifname "${link}" drop; }
    }`;
    execFileSync(IP, ['netns', 'exec', id, NFT, '-f', '-'], { input: rules, stdio: ['pipe', 'pipe', 'pipe'] });
    return true;
  }

  function restore(id) {
    try {
      run('ip', 'netns', 'exec', id, NFT, 'delete', 'table', 'inet', 'vcwcut');
    } catch {
      // nothing was cut
    }
    return true;
  }

  function destroy(id) {
    killBrowser(id);
    const space = spaces.get(id);
    spaces.delete(id);
    try {
      run('ip', 'netns', 'del', id);
    } catch {
      // already gone
    }
    try {
      if (space) run('ip', 'link', 'del', space.hostIf);
    } catch {
      // went with the namespace
    }
    if (space?.dir) rmSync(space.dir, { recursive: true, force: true });
    return true;
  }

  return {
    name: 'vcw-netns',
    async executeCommand({ command, payload }) {
      switch (command) {
        case 'vcw-netns-create':
          return create();
        case 'vcw-netns-browser':
          return browser(payload.id, payload.url);
        case 'vcw-netns-cut':
          return cut(payload.id, payload.keepTcpPort, payload.keepUdpPort);
        case 'vcw-netns-restore':
          return restore(payload.id);
        case 'vcw-netns-eval':
          return evaluate(payload.id, payload.expression);
        case 'vcw-netns-kill-browser':
          return killBrowser(payload.id);
        case 'vcw-netns-destroy':
          return destroy(payload.id);
        default:
          return undefined;
      }
    },
    async serverStop() {
      for (const id of [...spaces.keys()]) destroy(id);
    },
  };
}
