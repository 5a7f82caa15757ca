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
  // tenths of a percent, half-up: floor((count·1000 + denominator/2) / denominator) = floor(a / b) below, in integers.
  if (count >= 0 && count < EXACT_BELOW && denominator < EXACT_BELOW) {
    // Every value here is an integer below 2^53, so exact as a double; the float quotient is at most one off, and
    // corrected. A page of rollups computes tens of thousands of percents: BigInt made it several times slower.
    const a = count * 2000 + denominator;
    const b = 2 * denominator;
    let tenths = Math.floor(a / b);
    if (tenths * b > a) tenths--;
    else if ((tenths + 1) * b <= a) tenths++;
    return tenths / 10;
  }
  const tenths = (BigInt(count) * 2000n + BigInt(denominator)) / (2n * BigInt(denominator));
  return Number(tenths) / 10;
}

/** Counts and denominators below this take percent()'s fast path: count·2000 + denominator stays below 2^53. */
export const EXACT_BELOW = 2 ** 40;

/** percent() for a signed count (a change): rounded half away from zero, so −1/3 → −33.3 like 1/3 → 33.3. */
export function signedPercent(count: number, denominator: number): number | null {
  const p = percent(Math.abs(count), denominator);
  return p === null || count >= 0 ? p : -p;
}
