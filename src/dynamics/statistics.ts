/** Small statistics over per-epoch series: correlation and the breakpoint of a two-segment line. */

/** Pearson's correlation of paired finite values; undefined with fewer than 3 pairs or no variance. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | undefined {
  const pairs = xs.map((x, i) => [x, ys[i]!] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pairs.length < 3) return undefined;
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const mx = mean(pairs.map(([x]) => x));
  const my = mean(pairs.map(([, y]) => y));
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? undefined : sxy / Math.sqrt(sxx * syy);
}

function lineSse(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return ys.reduce((sse, y, i) => sse + (y - (my + slope * (xs[i]! - mx))) ** 2, 0);
}

/**
 * The index b that best splits the series into two straight segments [0, b] and [b, n) (least total
 * squared error; each segment at least two points, sharing b): where the trend changes, e.g. the kink
 * of a loss curve on log–log axes. Undefined with fewer than 4 points.
 */
export function breakpoint(xs: readonly number[], ys: readonly number[]): number | undefined {
  if (xs.length < 4) return undefined;
  let best: number | undefined;
  let bestSse = Infinity;
  for (let b = 1; b < xs.length - 1; b++) {
    const sse = lineSse(xs.slice(0, b + 1), ys.slice(0, b + 1)) + lineSse(xs.slice(b), ys.slice(b));
    if (sse < bestSse) {
      bestSse = sse;
      best = b;
    }
  }
  return best;
}
