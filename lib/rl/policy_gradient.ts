/**
 * Policy gradients (REINFORCE, Williams 1992): sampling actions from a policy network's softmax,
 * flattening recorded episodes into a training batch of (state, action, return-to-go), and the
 * loss whose gradient is the policy gradient.
 *
 * @module
 */

// Tensor methods (mul, sum, max …) are attached by the ops module.
import "../ops/mod.ts";
import { oneHot } from "../ops/gather.ts";
import { logSoftmax } from "../ops/softmax.ts";
import type { Rng } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { CartPoleEpisode } from "./cartpole_batch.ts";
import { discountedReturns } from "./returns.ts";

/**
 * One action per row of `probabilities` ([n × actionCount], row after row, rows summing to 1),
 * drawn from that row's distribution.
 */
export function sampleActions(
  probabilities: ArrayLike<number>,
  actionCount: number,
  rng: Rng,
): Int32Array {
  if (!Number.isInteger(actionCount) || actionCount < 1) {
    throw new Error(`sampleActions: actionCount must be a positive integer, got ${actionCount}`);
  }
  if (probabilities.length % actionCount !== 0) {
    throw new Error(
      `sampleActions: ${probabilities.length} probabilities do not split into rows of ${actionCount}`,
    );
  }
  const n = probabilities.length / actionCount;
  const actions = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng.uniform(), a = 0;
    // Walk the cumulative distribution; the last action takes any rounding left over.
    while (a < actionCount - 1 && u >= probabilities[i * actionCount + a]) {
      u -= probabilities[i * actionCount + a];
      a++;
    }
    actions[i] = a;
  }
  return actions;
}

/** Every step of a set of episodes, flattened: what one REINFORCE update learns from. */
export interface EpisodeSteps {
  /** The number of steps over all episodes. */
  readonly count: number;
  /** The state at each step [count × 4]. */
  readonly states: Float32Array;
  /** The action taken at each step [count]. */
  readonly actions: Int32Array;
  /** The discounted return from each step to the end of its episode [count]. */
  readonly returns: Float32Array;
  /** Each step's time index within its episode [count]. */
  readonly times: Int32Array;
}

/**
 * Flattens recorded CartPole episodes (reward 1 per step) into steps with their returns-to-go
 * G_t = Σ_k γ^k r_{t+k}. The state after the last action is dropped: no action was taken there.
 */
export function episodeSteps(episodes: readonly CartPoleEpisode[], gamma: number): EpisodeSteps {
  const count = episodes.reduce((n, e) => n + e.actions.length, 0);
  const states = new Float32Array(4 * count), actions = new Int32Array(count);
  const returns = new Float32Array(count), times = new Int32Array(count);
  let k = 0;
  for (const e of episodes) {
    if (e.states.length !== e.actions.length + 1) {
      throw new Error(
        `episodeSteps: an episode has ${e.states.length} states for ${e.actions.length} actions; ` +
          "it needs one more state than actions",
      );
    }
    const g = discountedReturns(new Float64Array(e.actions.length).fill(1), gamma);
    e.actions.forEach((a, t) => {
      states.set(e.states[t], 4 * k);
      actions[k] = a;
      returns[k] = g[t];
      times[k] = t;
      k++;
    });
  }
  return { count, states, actions, returns, times };
}

/**
 * The REINFORCE loss, −mean_t[log π(a_t | s_t) · A_t], for policy logits [N, actions], int32
 * actions [N] and advantages [N] (returns minus a baseline, treated as constants). Its gradient is
 * the policy gradient estimate, negated so that minimising it climbs the expected return.
 */
export function reinforceLoss(logits: Tensor, actions: Tensor, advantages: Tensor): Tensor {
  if (
    logits.rank !== 2 || actions.shape.join() !== `${logits.shape[0]}` ||
    advantages.shape.join() !== `${logits.shape[0]}`
  ) {
    throw new Error(
      `reinforceLoss: expected logits [N, actions], actions [N] and advantages [N], got ` +
        `[${logits.shape}], [${actions.shape}] and [${advantages.shape}]`,
    );
  }
  const logP = logSoftmax(logits).mul(oneHot(actions, logits.shape[1])).sum(-1);
  return logP.mul(advantages.detach()).mean().neg();
}
