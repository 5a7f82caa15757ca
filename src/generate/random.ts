/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) and the distributions the generator draws from.
 * Hand-written so that a seed gives the same dataset on every machine and Node version (never Math.random).
 */

/** splitmix32: spreads a seed (and a label) into well-mixed 32-bit words for sfc32's state. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a: turns a label into a number, so that each part of the dataset gets its own independent stream. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  /**
   * The stream for `seed` and `label`. Separate labels (the tree, each year's facts…) keep parts independent: a
   * change in how facts are drawn does not reshuffle the tree.
   */
  constructor(seed: number, label = '') {
    const mix = splitmix32((seed >>> 0) ^ hashLabel(label));
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32(); // discard the first outputs, as sfc32's authors advise
  }

  /** sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG): 128 bits of state, passes PractRand. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with mean 1: most draws below 1, a long tail above (a few very busy units). */
  lognormal(sigma: number): number {
    return Math.exp(sigma * this.normal() - (sigma * sigma) / 2);
  }

  /** Poisson(lambda): Knuth's product method for small means, a rounded normal for large ones (fast enough, close enough). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
  }

  /** Pareto with minimum `min` and shape `alpha`, floored and capped: the tail of aggregated quantities. */
  paretoInt(min: number, alpha: number, cap: number): number {
    const u = 1 - this.next(); // (0, 1]
    return Math.min(cap, Math.floor(min / Math.pow(u, 1 / alpha)));
  }
}

/** A weighted choice among fixed values, prepared once (cumulative weights) and drawn many times. */
export class Weighted<T> {
  private readonly values: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.values = entries.map(([v]) => v);
    let sum = 0;
    this.cumulative = entries.map(([, w]) => (sum += w));
    this.total = sum;
    if (!(sum > 0)) throw new Error('a weighted choice needs a positive total weight');
  }

  draw(random: Random): T {
    const x = random.next() * this.total;
    const c = this.cumulative;
    for (let i = 0; i < c.length; i++) if (x < c[i]) return this.values[i];
    return this.values[this.values.length - 1];
  }
}

/**
 * Largest-remainder (Hamilton) apportionment of `total` in proportion to `weights`, after giving each item `min`:
 * exact totals (a scale's unit counts are what it says), ties to the earlier item.
 */
export function apportion(total: number, weights: readonly number[], min = 0): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const floor = Math.min(min, Math.floor(total / n));
  const rest = total - floor * n;
  const sum = weights.reduce((a, b) => a + b, 0);
  const quotas = weights.map((w) => (sum > 0 ? (rest * w) / sum : rest / n));
  const shares = quotas.map((q) => Math.floor(q));
  let missing = rest - shares.reduce((a, b) => a + b, 0);
  if (missing > 0) {
    const order = quotas.map((q, i) => ({ i, r: q - Math.floor(q) })).sort((x, y) => y.r - x.r || x.i - y.i);
    for (let k = 0; missing > 0; k++, missing--) shares[order[k % n].i]++;
  }
  return shares.map((s) => s + floor);
}
