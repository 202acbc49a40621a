/**
 * Discounted returns: what an agent is trained to maximise.
 *
 * @module
 */

/** Checks a discount factor: a number in [0, 1]. */
export function checkDiscount(where: string, gamma: number): void {
  if (!(gamma >= 0 && gamma <= 1)) {
    throw new Error(`${where}: the discount γ must be in [0, 1], got ${gamma}`);
  }
}

/**
 * The return from every step of one episode, G_t = r_t + γ r_{t+1} + γ² r_{t+2} + …, computed
 * backwards in one pass as G_t = r_t + γ G_{t+1} (float64, so long episodes lose nothing).
 *
 * @example
 * ```ts
 * discountedReturns([1, 1, 1], 0.5); // Float64Array [1.75, 1.5, 1]
 * ```
 */
export function discountedReturns(rewards: ArrayLike<number>, gamma: number): Float64Array {
  checkDiscount("discountedReturns", gamma);
  const out = new Float64Array(rewards.length);
  let g = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    if (!Number.isFinite(rewards[t])) {
      throw new Error(`discountedReturns: reward ${t} is ${rewards[t]}, not a finite number`);
    }
    g = rewards[t] + gamma * g;
    out[t] = g;
  }
  return out;
}
