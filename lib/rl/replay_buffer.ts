/**
 * Experience replay: a fixed-size memory of transitions from which a DQN learns in random
 * minibatches, so that consecutive, strongly correlated steps do not arrive together and each
 * transition is used many times.
 *
 * @module
 */

import type { Rng } from "../tensor/random.ts";
import { positiveInteger } from "./cartpole.ts";

/** A minibatch of transitions, as flat typed arrays ready for `fromArray`. */
export interface TransitionBatch {
  /** How many transitions. */
  readonly size: number;
  /** States [size × stateSize]. */
  readonly states: Float32Array;
  /** Actions taken [size]. */
  readonly actions: Int32Array;
  /** Rewards received [size]. */
  readonly rewards: Float32Array;
  /** Next states [size × stateSize]. */
  readonly nextStates: Float32Array;
  /** 1 where the next state is terminal (no future reward), 0 otherwise [size]. */
  readonly terminated: Float32Array;
}

/**
 * A ring buffer of transitions (s, a, r, s′, terminated): once full, each new transition
 * overwrites the oldest.
 *
 * @example
 * ```ts
 * const buffer = new ReplayBuffer(10_000, 4);
 * buffer.add([0, 0, 0.01, 0], 1, 1, [0, 0.2, 0.01, -0.3], false);
 * const batch = buffer.sample(64, new Rng(0)); // once it holds enough
 * ```
 */
export class ReplayBuffer {
  readonly capacity: number;
  readonly stateSize: number;
  #states: Float32Array;
  #actions: Int32Array;
  #rewards: Float32Array;
  #nextStates: Float32Array;
  #terminated: Float32Array;
  #next = 0;
  #size = 0;

  /** An empty buffer for `capacity` transitions of states with `stateSize` numbers. */
  constructor(capacity: number, stateSize: number) {
    this.capacity = positiveInteger("ReplayBuffer", "capacity", capacity);
    this.stateSize = positiveInteger("ReplayBuffer", "stateSize", stateSize);
    this.#states = new Float32Array(capacity * stateSize);
    this.#nextStates = new Float32Array(capacity * stateSize);
    this.#actions = new Int32Array(capacity);
    this.#rewards = new Float32Array(capacity);
    this.#terminated = new Float32Array(capacity);
  }

  /** The number of transitions held. */
  get size(): number {
    return this.#size;
  }

  /** Stores one transition, overwriting the oldest when full. */
  add(
    state: ArrayLike<number>,
    action: number,
    reward: number,
    nextState: ArrayLike<number>,
    terminated: boolean,
  ): void {
    if (state.length !== this.stateSize || nextState.length !== this.stateSize) {
      throw new Error(
        `ReplayBuffer.add: states must have ${this.stateSize} numbers, got ${state.length} and ` +
          `${nextState.length}`,
      );
    }
    if (!Number.isInteger(action) || action < 0) {
      throw new Error(`ReplayBuffer.add: the action must be a non-negative integer, got ${action}`);
    }
    const i = this.#next;
    this.#states.set(state, i * this.stateSize);
    this.#nextStates.set(nextState, i * this.stateSize);
    this.#actions[i] = action;
    this.#rewards[i] = reward;
    this.#terminated[i] = terminated ? 1 : 0;
    this.#next = (i + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** `batchSize` transitions drawn uniformly with replacement. */
  sample(batchSize: number, rng: Rng): TransitionBatch {
    positiveInteger("ReplayBuffer.sample", "batchSize", batchSize);
    if (this.#size === 0) throw new Error("ReplayBuffer.sample: the buffer is empty");
    const k = this.stateSize;
    const states = new Float32Array(batchSize * k), nextStates = new Float32Array(batchSize * k);
    const actions = new Int32Array(batchSize), rewards = new Float32Array(batchSize);
    const terminated = new Float32Array(batchSize);
    for (let b = 0; b < batchSize; b++) {
      const i = rng.int(this.#size);
      states.set(this.#states.subarray(i * k, i * k + k), b * k);
      nextStates.set(this.#nextStates.subarray(i * k, i * k + k), b * k);
      actions[b] = this.#actions[i];
      rewards[b] = this.#rewards[i];
      terminated[b] = this.#terminated[i];
    }
    return { size: batchSize, states, actions, rewards, nextStates, terminated };
  }
}
