/**
 * Adaptive timing: one warm-up, then runs until both a minimum count and a minimum time are
 * reached, capped so a slow peer (the reference kernels on a big conv) cannot take forever. A
 * warm-up that alone exceeds the cap is the one measurement: at that length, compilation and JIT
 * warm-up are noise, and repeating it would cost minutes.
 *
 * @module
 */

/** How many runs to take. */
export interface TimingPolicy {
  /** Runs always taken after the warm-up (unless one run already exceeds `maxMs`). */
  readonly minRuns: number;
  /** Keep running until this much time (ms) has been spent on timed runs (at most `maxMs`). */
  readonly minMs: number;
  /** Never more runs than this. */
  readonly maxRuns: number;
  /** Stop before a run that would take the timed total past this (ms); at least one run is taken. */
  readonly maxMs: number;
}

/** The full bench: at least 3 runs or ~2 s, whichever is more, at most 30 runs or ~20 s. */
export const FULL_POLICY: TimingPolicy = { minRuns: 3, minMs: 2000, maxRuns: 30, maxMs: 20_000 };

/** `--quick`: one timed run after the warm-up, for tests. */
export const QUICK_POLICY: TimingPolicy = { minRuns: 1, minMs: 0, maxRuns: 1, maxMs: 60_000 };

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Times of `run` after one warm-up run, by `policy`. */
export async function timeRuns(
  run: () => Promise<void>,
  policy: TimingPolicy,
): Promise<number[]> {
  // The warm-up compiles kernels, fills JIT caches and makes optimizer state; its time also
  // predicts a run's cost, so a run that alone would exceed the cap is not repeated.
  let t0 = performance.now();
  await run();
  let last = performance.now() - t0;
  if (last > policy.maxMs) return [last];
  const times: number[] = [];
  let total = 0;
  while (times.length < policy.maxRuns) {
    const enough = times.length >= policy.minRuns && total >= policy.minMs;
    const tooLong = times.length > 0 && total + last > policy.maxMs;
    if (enough || tooLong) break;
    t0 = performance.now();
    await run();
    last = performance.now() - t0;
    times.push(last);
    total += last;
  }
  return times;
}
