// Small statistics and table helpers shared by the benchmark scripts (plain ESM, no dependencies).

/** Nearest-rank percentile of an already sorted array (q in 0..1). */
export function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** { n, median, min, max, p50, p99 } of a list of numbers. `median` is the 50th percentile by nearest rank. */
export function summarize(values) {
  const s = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return { n: 0, median: null, min: null, max: null, p50: null, p99: null };
  return { n: s.length, median: percentile(s, 0.5), min: s[0], max: s[s.length - 1], p50: percentile(s, 0.5), p99: percentile(s, 0.99) };
}

export const round = (x, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));

/** Ratio a/b rounded to two decimals, or null when either is missing. */
export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? Number((a / b).toFixed(2)) : null);

/** Print a plain-text table: `rows` are arrays of cells; numbers are right-aligned. */
export function printTable(title, header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => (c === null || c === undefined ? '–' : String(c))));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (/^[-+]?[\d.,]+( ?[%×a-zA-Z/]*)?$/.test(c) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

/** "median (min–max)" for a summary, with a unit. */
export const mmm = (s, digits = 0, unit = '') =>
  s && s.n > 0 ? `${s.median.toFixed(digits)}${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : 'n/a';
