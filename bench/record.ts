// Browser side of the benchmark plugin (bench/web-test-runner.bench.mjs).
import { executeServerCommand } from '@web/test-runner-commands';

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

export interface ProcSample {
  processes: number;
  cpuSeconds: number;
  rssKiB: number;
  pssKiB: number;
  at: number;
}

/** Median (nearest rank), min and max, rounded to 0.1. */
export function stats(xs: number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, median: r(s[Math.ceil(s.length / 2) - 1]!), min: r(s[0]!), max: r(s[s.length - 1]!) };
}

export const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export async function record(section: string, data: unknown): Promise<void> {
  await executeServerCommand('vcw-bench-record', { section, data });
}

/** CPU seconds and memory of every browser process (sampled by the test runner from /proc). */
export async function browserProcs(): Promise<ProcSample> {
  const sample = await executeServerCommand<ProcSample, Record<string, never>>('vcw-bench-procs', {});
  if (!sample) throw new Error('the bench plugin did not answer vcw-bench-procs');
  return sample;
}
