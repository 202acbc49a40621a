/**
 * Deep Q-learning (Mnih et al., 2015): the pieces around a Q-network — ε-greedy exploration, its
 * schedule, the temporal-difference loss against a frozen target network, and the target's update.
 *
 * @module
 */

// Tensor methods (mul, sum, max …) are attached by the ops module.
import "../ops/mod.ts";
import { noGrad } from "../autograd/graph.ts";
import type { Module } from "../nn/module.ts";
import { oneHot } from "../ops/gather.ts";
import { fromArray } from "../tensor/creation.ts";
import type { Rng } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { TransitionBatch } from "./replay_buffer.ts";
import { checkDiscount } from "./returns.ts";

/**
 * ε-greedy actions for a batch: for each row of `qValues` ([n × actionCount], row after row), a
 * uniformly random action with probability ε, else the action of largest Q (the first on ties).
 */
export function epsilonGreedy(
  qValues: ArrayLike<number>,
  actionCount: number,
  epsilon: number,
  rng: Rng,
): Int32Array {
  if (!Number.isInteger(actionCount) || actionCount < 1 || qValues.length % actionCount !== 0) {
    throw new Error(
      `epsilonGreedy: ${qValues.length} Q-values do not split into rows of ${actionCount} actions`,
    );
  }
  if (!(epsilon >= 0 && epsilon <= 1)) {
    throw new Error(`epsilonGreedy: ε must be in [0, 1], got ${epsilon}`);
  }
  const n = qValues.length / actionCount;
  const actions = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (epsilon > 0 && rng.uniform() < epsilon) {
      actions[i] = rng.int(actionCount);
      continue;
    }
    let best = 0;
    for (let a = 1; a < actionCount; a++) {
      if (qValues[i * actionCount + a] > qValues[i * actionCount + best]) best = a;
    }
    actions[i] = best;
  }
  return actions;
}

/**
 * A linear schedule: `start` at step 0, moving in a straight line to `end` at step `steps`, and
 * `end` after that (how ε decays from exploring to exploiting).
 */
export function linearSchedule(start: number, end: number, steps: number): (t: number) => number {
  if (!(steps > 0)) throw new Error(`linearSchedule: steps must be positive, got ${steps}`);
  return (t) => start + (end - start) * Math.min(Math.max(t / steps, 0), 1);
}

/** Options of {@link dqnLoss}. */
export interface DqnLossOptions {
  /**
   * "huber" (default): squared error for TD errors within ±1 and linear beyond, so that one
   * surprising transition cannot blow up the step (as in Mnih et al.); "mse": the plain square.
   */
  readonly loss?: "huber" | "mse";
  /**
   * Double DQN (van Hasselt et al., 2016): the online network picks the next action and the target
   * network values it, y = r + γ Q_target(s′, argmax_a′ Q(s′, a′)). Taking the max of one noisy
   * estimate overrates actions; splitting the choice from the valuation removes most of that bias.
   * Default false: the max over the target network, as in the original DQN.
   */
  readonly double?: boolean;
}

/**
 * The DQN loss of a minibatch: the mean over transitions of ℓ(Q(s, a) − y), with the target
 * y = r + γ (1 − terminated) max_a′ Q_target(s′, a′) (or its Double DQN form) computed by the frozen `target` network without
 * gradient. Only the `online` network's parameters get gradients. Returns a scalar tensor.
 */
export function dqnLoss(
  online: Module,
  target: Module,
  batch: TransitionBatch,
  gamma: number,
  options: DqnLossOptions = {},
): Tensor {
  checkDiscount("dqnLoss", gamma);
  const n = batch.size;
  const stateSize = batch.states.length / n;
  if (!Number.isInteger(stateSize) || batch.nextStates.length !== batch.states.length) {
    throw new Error(`dqnLoss: the batch's states do not split into ${n} rows`);
  }
  const targets = noGrad(() => {
    const nextStates = fromArray(batch.nextStates, [n, stateSize]);
    const next = target.forward(nextStates);
    const nextValue = options.double
      ? next.mul(oneHot(online.forward(nextStates).argmax(-1), next.shape[1])).sum(-1)
      : next.max(-1);
    const notTerminal = fromArray(batch.terminated, [n]).neg().add(1);
    return fromArray(batch.rewards, [n]).add(nextValue.mul(notTerminal).mul(gamma));
  });
  const q = online.forward(fromArray(batch.states, [n, stateSize]));
  const actionCount = q.shape[1];
  const actions = fromArray(batch.actions, [n], { dtype: "int32" });
  const chosen = q.mul(oneHot(actions, actionCount)).sum(-1);
  const error = chosen.sub(targets);
  if ((options.loss ?? "huber") === "mse") return error.square().mean();
  // Huber with δ = 1: ½ min(|e|, 1)² + (|e| − min(|e|, 1)).
  const size = error.abs();
  const inner = size.minimum(1);
  return inner.square().mul(0.5).add(size.sub(inner)).mean();
}

/**
 * Copies the `online` network's parameters into the `target` network (a "hard" update). They share
 * storage afterwards, which is safe: optimizers give a parameter new storage at every step, so
 * training the online network leaves the target's snapshot as it was.
 */
export function updateTarget(target: Module, online: Module): void {
  target.loadStateDict(online.stateDict());
}
