// Process measurements from /proc (Linux): resident memory, CPU time, descendants; free loopback ports.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';

let ticks;
/** Clock ticks per second of /proc/<pid>/stat times. */
export function clockTicks() {
  if (ticks) return ticks;
  try {
    ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    ticks = 100;
  }
  return ticks;
}

const read = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/** Resident set size in KiB (VmRSS), or null when the process is gone. */
export function rssKiB(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) : null;
}

/** Proportional set size in KiB (shared pages split between sharers), or null. */
export function pssKiB(pid) {
  const m = /^Pss:\s+(\d+) kB/m.exec(read(`/proc/${pid}/smaps_rollup`) ?? '');
  return m ? Number(m[1]) : null;
}

/** { ppid, comm, cpuSeconds } from /proc/<pid>/stat (user + system time), or null. */
export function statOf(pid) {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return null;
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // After "(comm) ": state ppid … utime is field 14 of the whole line, i.e. index 11 here; stime 12.
  return { ppid: Number(fields[1]), comm, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / clockTicks() };
}

export const cpuSeconds = (pid) => statOf(pid)?.cpuSeconds ?? null;

/** Every live descendant pid of `root` (children, grandchildren, …). */
export function descendants(root) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = statOf(Number(name));
    if (!st) continue;
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(Number(name));
  }
  const out = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop();
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Wait (bounded) until RSS stops moving: three samples 250 ms apart within 1%, at most `maxMs`. Returns KiB. */
export async function settledRss(pid, maxMs = 4000) {
  const deadline = Date.now() + maxMs;
  const samples = [];
  for (;;) {
    const rss = rssKiB(pid);
    if (rss === null) throw new Error(`process ${pid} is gone`);
    samples.push(rss);
    const last = samples.slice(-3);
    if (last.length === 3 && Math.max(...last) - Math.min(...last) <= Math.max(...last) * 0.01) return rss;
    if (Date.now() > deadline) return rss;
    await new Promise((r) => setTimeout(r, 250));
  }
}
