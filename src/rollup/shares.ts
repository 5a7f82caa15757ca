/**
 * Shares and percents, computed exactly from two integers (never from a rounded float).
 * percent = count / denominator × 100, rounded half-up to one decimal, as Vietnamese reports print it:
 * 23/80 = 28.75% → 28.8; 15/76 = 19.736…% → 19.7. Both are null when the denominator is 0.
 */
export function share(count: number, denominator: number): number | null {
  return denominator === 0 ? null : count / denominator;
}

export function percent(count: number, denominator: number): number | null {
  if (denominator === 0) return null;
  // tenths of a percent, half-up: floor((count·1000 + denominator/2) / denominator), in integers.
  const tenths = (BigInt(count) * 2000n + BigInt(denominator)) / (2n * BigInt(denominator));
  return Number(tenths) / 10;
}

/** percent() for a signed count (a change): rounded half away from zero, so −1/3 → −33.3 like 1/3 → 33.3. */
export function signedPercent(count: number, denominator: number): number | null {
  const p = percent(Math.abs(count), denominator);
  return p === null || count >= 0 ? p : -p;
}
