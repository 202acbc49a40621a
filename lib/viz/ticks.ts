/**
 * Tick values and labels for axes and colour legends: nice steps on linear scales, powers of ten
 * on log scales, whole numbers for row and column indices.
 *
 * @module
 */

/** Writes `10^e × m` exactly (0.001 rather than 0.0010000000000000002). */
function decimal(m: number, e: number): number {
  return Number(`${m}e${e}`);
}

/** About `count` round values (steps of 1, 2 or 5 times a power of ten) from `lo` to `hi`. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = Math.floor(Math.log10(raw));
  const f = raw / 10 ** power;
  const m = f >= 7.07 ? 10 : f >= 3.16 ? 5 : f >= 1.41 ? 2 : 1;
  const ticks: number[] = [];
  const step = decimal(m, power);
  for (let i = Math.ceil(lo / step); i <= Math.floor(hi / step); i++) {
    // toPrecision removes the float noise of i × step (0.30000000000000004).
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

/**
 * Ticks for a log scale from `lo` to `hi` (both > 0): the powers of ten between them, with 2× and
 * 5× added when the range spans two decades or less, and every k-th power kept when it spans many.
 */
export function logTicks(lo: number, hi: number): number[] {
  const first = Math.floor(Math.log10(lo)), last = Math.ceil(Math.log10(hi));
  const decades = last - first;
  const multiples = decades <= 2 ? [1, 2, 5] : [1];
  const every = Math.max(1, Math.ceil(decades / 8));
  const ticks: number[] = [];
  for (let e = first; e <= last; e++) {
    if ((e - first) % every !== 0) continue;
    for (const m of multiples) {
      const v = decimal(m, e);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks.length >= 2 ? ticks : [lo, hi];
}

/** Up to `max` whole-number ticks from 0 to `n - 1`, in steps of 1, 2, 5, 10, 20, … */
export function integerTicks(n: number, max = 10): number[] {
  let step = 1;
  for (let k = 0; Math.ceil(n / step) > max; k++) {
    step = [2, 5, 10][k % 3] * 10 ** Math.floor(k / 3);
  }
  return Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
}

/**
 * A tick label: plain decimals from 0.0001 up to a million (`0.001`, `250`), exponent form beyond
 * (`1e-6`). Plot's default SI prefixes (`1m` for 0.001) would puzzle a reader of a loss curve.
 */
export function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e6) return String(Number(v.toPrecision(6)));
  return v.toExponential().replace(/\.?0*e\+?/, "e");
}
