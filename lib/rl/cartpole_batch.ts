/**
 * Many CartPole environments stepped together, so that a policy network chooses all their actions
 * in one batched forward pass (one pass over 100 states costs about what a pass over 1 costs, since
 * the time goes to per-op overhead), and whole sets of episodes run in one loop.
 *
 * @module
 */

import { Rng } from "../tensor/random.ts";
import {
  CARTPOLE,
  cartPoleFailed,
  type CartPoleState,
  cartPoleStep,
  positiveInteger,
} from "./cartpole.ts";

/** Options of {@link CartPoleBatch} and {@link runCartPoleEpisodes}. */
export interface CartPoleBatchOptions {
  /** Seed of the generator that draws the initial states (default 0). */
  readonly seed?: number;
  /** The time limit in steps (default 200). */
  readonly maxSteps?: number;
}

/** What one step of a {@link CartPoleBatch} returns, one entry per environment. */
export interface CartPoleBatchStep {
  /** 1 for each environment that took a step, 0 for those whose episode was already over. */
  readonly rewards: Float32Array;
  /** 1 where the pole fell or the cart left the track on this step. */
  readonly terminated: Uint8Array;
  /** 1 where the time limit cut the episode off on this step. */
  readonly truncated: Uint8Array;
}

/**
 * `size` CartPole environments side by side. Each starts an episode on construction; an environment
 * whose episode is over stays frozen (its steps give reward 0) until `reset(i)`.
 *
 * @example
 * ```ts
 * const envs = new CartPoleBatch(100, { seed: 7 });
 * const obs = envs.observations(); // Float32Array [100 × 4], ready for fromArray(obs, [100, 4])
 * envs.step(new Int32Array(100).fill(1));
 * ```
 */
export class CartPoleBatch {
  readonly size: number;
  readonly maxSteps: number;
  /** Steps taken in each environment's current episode. */
  readonly steps: Int32Array;
  /** 1 where the environment's episode is over. */
  readonly over: Uint8Array;
  #states: CartPoleState[];
  #rng: Rng;

  /** `size` environments, each at the start of an episode. */
  constructor(size: number, options: CartPoleBatchOptions = {}) {
    this.size = positiveInteger("CartPoleBatch", "size", size);
    this.maxSteps = positiveInteger(
      "CartPoleBatch",
      "maxSteps",
      options.maxSteps ?? CARTPOLE.maxSteps,
    );
    this.#rng = new Rng(options.seed ?? 0);
    this.steps = new Int32Array(size);
    this.over = new Uint8Array(size);
    this.#states = Array.from({ length: size }, () => this.#initialState());
  }

  #initialState(): CartPoleState {
    const spread = CARTPOLE.initialSpread;
    return [0, 0, 0, 0].map(() =>
      (2 * this.#rng.uniform() - 1) * spread
    ) as unknown as CartPoleState;
  }

  /** The current states. */
  get states(): readonly CartPoleState[] {
    return this.#states;
  }

  /** Whether every environment's episode is over. */
  get allOver(): boolean {
    return this.over.every((o) => o === 1);
  }

  /** The states as one float32 array [size × 4], row after row: a network's input batch. */
  observations(): Float32Array {
    const out = new Float32Array(4 * this.size);
    this.#states.forEach((s, i) => out.set(s, 4 * i));
    return out;
  }

  /** Starts a new episode in environment `i`. */
  reset(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new Error(`CartPoleBatch.reset: no environment ${i} among ${this.size}`);
    }
    this.#states[i] = this.#initialState();
    this.steps[i] = 0;
    this.over[i] = 0;
  }

  /** One step of every live environment, with `actions[i]` (0 left, 1 right) for environment i. */
  step(actions: ArrayLike<number>): CartPoleBatchStep {
    if (actions.length !== this.size) {
      throw new Error(
        `CartPoleBatch.step: expected ${this.size} actions, one per environment, got ${actions.length}`,
      );
    }
    const rewards = new Float32Array(this.size);
    const terminated = new Uint8Array(this.size), truncated = new Uint8Array(this.size);
    for (let i = 0; i < this.size; i++) {
      if (this.over[i]) continue;
      const next = cartPoleStep(this.#states[i], actions[i]);
      this.#states[i] = next;
      this.steps[i]++;
      rewards[i] = 1;
      if (cartPoleFailed(next)) terminated[i] = 1;
      else if (this.steps[i] >= this.maxSteps) truncated[i] = 1;
      this.over[i] = terminated[i] | truncated[i];
    }
    return { rewards, terminated, truncated };
  }
}

/**
 * A policy for a batch: observations [n × 4] (float32, row after row) and their count n, to one
 * action (0 or 1) per row.
 */
export type BatchPolicy = (observations: Float32Array, n: number) => ArrayLike<number>;

/** One recorded episode: its states (the initial one first) and the actions taken. */
export interface CartPoleEpisode {
  /** length + 1 states: the initial state, then the state after each action. */
  readonly states: CartPoleState[];
  /** The actions, one per step. */
  readonly actions: number[];
  /** Whether it ended by the pole falling (rather than by the time limit). */
  readonly terminated: boolean;
}

/** Options of {@link runCartPoleEpisodes}. */
export interface RunEpisodesOptions extends CartPoleBatchOptions {
  /** Keep every state and action (default false: only the returns). */
  readonly record?: boolean;
}

/** What {@link runCartPoleEpisodes} returns. */
export interface EpisodesResult {
  /** The return (= the number of steps) of each episode. */
  readonly returns: number[];
  /** Each episode's states and actions, with `record: true`. */
  readonly episodes?: CartPoleEpisode[];
}

/**
 * Runs `count` episodes at once, one batched call of `policy` per time step, until every episode is
 * over. Episodes that end early stay frozen (the policy still sees their last state, and its
 * action for them is ignored), so the batch keeps one shape throughout.
 */
export function runCartPoleEpisodes(
  policy: BatchPolicy,
  count: number,
  options: RunEpisodesOptions = {},
): EpisodesResult {
  const envs = new CartPoleBatch(count, options);
  const states = envs.states.map((s) => [s]);
  const actionLists: number[][] = states.map(() => []);
  while (!envs.allOver) {
    const actions = policy(envs.observations(), count);
    if (actions.length !== count) {
      throw new Error(
        `runCartPoleEpisodes: the policy returned ${actions.length} actions for ${count} states`,
      );
    }
    const wasOver = envs.over.slice();
    envs.step(actions);
    if (!options.record) continue;
    for (let i = 0; i < count; i++) {
      if (wasOver[i]) continue;
      states[i].push(envs.states[i]);
      actionLists[i].push(actions[i]);
    }
  }
  const episodes = options.record
    ? states.map((s, i) => ({
      states: s,
      actions: actionLists[i],
      terminated: cartPoleFailed(s.at(-1)!),
    }))
    : undefined;
  return { returns: Array.from(envs.steps), episodes };
}
