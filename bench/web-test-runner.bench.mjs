import { readFileSync, writeFileSync } from 'node:fs';
import config from '../web-test-runner.config.mjs';
import { cpuSeconds, descendants, pssKiB, rssKiB } from './lib/proc.mjs';

// The browser benchmarks run like the browser tests (same browser flags, same real servers), one file at a time.
// Two extra commands for the pages: `vcw-bench-record {section, data}` stores a result (bench/run.mjs collects
// them from VCW_BENCH_OUT), `vcw-bench-procs` sums CPU time and memory of the browser's processes from /proc.

const isBrowser = (pid) => {
  try {
    return /chrom/i.test(readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0]);
  } catch {
    return false;
  }
};

function browserProcesses() {
  const pids = descendants(process.pid).filter(isBrowser);
  let cpu = 0;
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    cpu += cpuSeconds(pid) ?? 0;
    rss += rssKiB(pid) ?? 0;
    pss += pssKiB(pid) ?? 0;
  }
  return { processes: pids.length, cpuSeconds: cpu, rssKiB: rss, pssKiB: pss, at: performance.now() };
}

function benchPlugin() {
  return {
    name: 'vcw-bench',
    async executeCommand({ command, payload }) {
      if (command === 'vcw-bench-procs') return browserProcesses();
      if (command === 'vcw-bench-record') {
        const file = process.env.VCW_BENCH_OUT;
        if (file) {
          let all = {};
          try {
            all = JSON.parse(readFileSync(file, 'utf8'));
          } catch {
            /* first record */
          }
          all[payload.section] = payload.data;
          writeFileSync(file, JSON.stringify(all, null, 2));
        }
        console.log(`BENCH ${payload.section}: ${JSON.stringify(payload.data)}`);
        return true;
      }
      return undefined;
    },
  };
}

export default {
  ...config,
  groups: undefined,
  files: process.env.VCW_BENCH_FILES ? process.env.VCW_BENCH_FILES.split(',') : ['bench/**/*.bench.ts'],
  browsers: config.groups[0].browsers,
  plugins: [...config.plugins, benchPlugin()],
  reporters: config.reporters.slice(0, 1),
  testFramework: { config: { timeout: 10 * 60_000 } },
};
