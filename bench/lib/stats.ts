/** Small statistics and formatting for benchmarks. */

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Seconds taken by fn. */
export function timeSeconds(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** "✓" when value meets the target (≤ for 'max', ≥ for 'min'), else "✗". */
export function verdict(value: number, target: number, kind: 'max' | 'min'): string {
  const ok = kind === 'max' ? value <= target : value >= target;
  return `${ok ? '✓' : '✗'} target ${kind === 'max' ? '≤' : '≥'} ${target}`;
}
