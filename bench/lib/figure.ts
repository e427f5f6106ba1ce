/**
 * One measured figure and the bound it is held against. `target` is what the project aims for, `limit`
 * what it must not cross; either way `better` says which direction passes. `ratio` is value ÷ bound, so
 * every row reads the same: ≤ 1 passes for 'lower', ≥ 1 for 'higher'.
 */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: number;
  readonly limit?: number;
  /** Which way is good; omitted for figures recorded without a bound. */
  readonly better?: 'lower' | 'higher';
  readonly ratio?: number;
  /** undefined: no bound (recorded for the record). */
  readonly pass?: boolean;
  /** How it was measured, or why it could not be. */
  readonly note?: string;
}

interface Bound {
  readonly target?: number;
  readonly limit?: number;
  readonly better: 'lower' | 'higher';
}

/** A figure held against `bound` (or none), with ratio and pass filled in. */
export function figure(name: string, value: number, unit: string, bound?: Bound, note?: string): Figure {
  if (!bound) return { name, value, unit, note };
  const against = bound.target ?? bound.limit!;
  const pass = Number.isFinite(value) && (bound.better === 'lower' ? value <= against : value >= against);
  return { name, value, unit, target: bound.target, limit: bound.limit, better: bound.better, ratio: against === 0 ? undefined : value / against, pass, note };
}

/** A figure that could not be measured here: recorded with its reason, counted neither pass nor fail. */
export function unmeasured(name: string, unit: string, note: string): Figure {
  return { name, value: Number.NaN, unit, note };
}

export const atMost = (n: number): Bound => ({ target: n, better: 'lower' });
export const atLeast = (n: number): Bound => ({ target: n, better: 'higher' });
export const limitMax = (n: number): Bound => ({ limit: n, better: 'lower' });

/** Percentile of an ascending-sorted sample (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (xs: readonly number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  if (!Number.isFinite(n)) return 'n/a';
  const a = Math.abs(n);
  if (a >= 100_000) return Math.round(n).toLocaleString('en-US');
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  if (a >= 1) return n.toFixed(2);
  return n.toFixed(3);
}

/** The figures as a Markdown table (the same text goes to the terminal and into docs/PERFORMANCE.md). */
export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    fmt(f.value),
    f.unit,
    f.target !== undefined ? `${f.better === 'lower' ? '≤' : '≥'} ${fmt(f.target)}` : f.limit !== undefined ? `limit ${f.better === 'lower' ? '≤' : '≥'} ${fmt(f.limit)}` : '',
    f.ratio !== undefined ? f.ratio.toFixed(2) : '',
    f.pass === undefined ? (Number.isFinite(f.value) ? '' : 'not measured') : f.pass ? 'pass' : 'MISS',
  ]);
  const head = ['figure', 'value', 'unit', 'target', 'ratio', 'pass'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
