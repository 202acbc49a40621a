/**
 * CartPole, the classic control task of Barto, Sutton and Anderson (1983), with the physics and
 * episode rules of Gym's `CartPole-v0`: a pole hinged on a cart that moves along a track; each step
 * the agent pushes the cart left or right with a fixed force, and earns 1 for every step the pole
 * stays up.
 *
 * @module
 */

import { Rng } from "../tensor/random.ts";

/** The constants of the task, as in Gym's `CartPole-v0`. */
export const CARTPOLE = Object.freeze({
  /** Gravity, m/s². */
  gravity: 9.8,
  /** Mass of the cart, kg. */
  cartMass: 1.0,
  /** Mass of the pole, kg. */
  poleMass: 0.1,
  /** Half the pole's length, m (the distance from the hinge to its centre of mass). */
  halfLength: 0.5,
  /** The push, N: +10 to the right (action 1) or −10 to the left (action 0). */
  force: 10,
  /** The time step, s. */
  tau: 0.02,
  /** The episode ends when |x| exceeds this, m (the cart leaves the track). */
  xLimit: 2.4,
  /** The episode ends when |θ| exceeds this, radians (12°). */
  thetaLimit: (12 * 2 * Math.PI) / 360,
  /** The episode is cut off after this many steps; averaging 195 over 100 episodes "solves" it. */
  maxSteps: 200,
  /** The initial state: each of the four numbers uniform in ±this. */
  initialSpread: 0.05,
});

/** The state of CartPole: cart position x, its velocity, pole angle θ (0 = upright), its rate. */
export type CartPoleState = readonly [x: number, xDot: number, theta: number, thetaDot: number];

/**
 * One step of the physics from `state` under `action` (0 pushes left, 1 right): the equations of
 * motion of Barto et al. (1983, with the corrected sign of the friction-free terms, as Gym has them),
 * integrated by one explicit Euler step of {@link CARTPOLE}.tau. The positions move with the old
 * velocities, then the velocities with the new accelerations, exactly in Gym's order.
 */
export function cartPoleStep(state: CartPoleState, action: number): CartPoleState {
  if (state.length !== 4 || !state.every(Number.isFinite)) {
    throw new Error(`cartPoleStep: the state must be 4 finite numbers, got [${state}]`);
  }
  if (action !== 0 && action !== 1) {
    throw new Error(`cartPoleStep: the action must be 0 (left) or 1 (right), got ${action}`);
  }
  const { gravity, cartMass, poleMass, halfLength, force, tau } = CARTPOLE;
  const [x, xDot, theta, thetaDot] = state;
  const totalMass = cartMass + poleMass;
  const poleMassLength = poleMass * halfLength;
  const f = action === 1 ? force : -force;
  const cos = Math.cos(theta), sin = Math.sin(theta);
  const temp = (f + poleMassLength * thetaDot * thetaDot * sin) / totalMass;
  const thetaAcc = (gravity * sin - cos * temp) /
    (halfLength * (4 / 3 - (poleMass * cos * cos) / totalMass));
  const xAcc = temp - (poleMassLength * thetaAcc * cos) / totalMass;
  return [x + tau * xDot, xDot + tau * xAcc, theta + tau * thetaDot, thetaDot + tau * thetaAcc];
}

/** Whether the episode is over in `state`: the cart is off the track or the pole has fallen. */
export function cartPoleFailed(state: CartPoleState): boolean {
  return Math.abs(state[0]) > CARTPOLE.xLimit || Math.abs(state[2]) > CARTPOLE.thetaLimit;
}

/** What one step of an environment returns. */
export interface CartPoleStepResult {
  /** The new state, which is also the observation. */
  readonly state: CartPoleState;
  /** 1 for every step taken, the failing step included (Gym's rule). */
  readonly reward: number;
  /** The pole fell or the cart left the track: a true end, with no future reward. */
  readonly terminated: boolean;
  /** The time limit cut the episode off; the state itself was not terminal. */
  readonly truncated: boolean;
}

/** Options of {@link CartPole}. */
export interface CartPoleOptions {
  /** Seed of the generator that draws the initial states (default 0). */
  readonly seed?: number;
  /** The time limit in steps (default {@link CARTPOLE}.maxSteps = 200). */
  readonly maxSteps?: number;
}

/** Checks a positive integer option. */
export function positiveInteger(where: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${where}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * One CartPole environment: `reset()` starts an episode from a random state near upright,
 * `step(action)` advances it. Stepping a finished episode throws: call `reset()` first.
 *
 * @example
 * ```ts
 * const env = new CartPole({ seed: 1 });
 * let s = env.reset(), done = false, steps = 0;
 * while (!done) {
 *   const r = env.step(s[2] > 0 ? 1 : 0); // push towards the side the pole leans to
 *   s = r.state, done = r.terminated || r.truncated, steps++;
 * }
 * ```
 */
export class CartPole {
  readonly maxSteps: number;
  #rng: Rng;
  #state: CartPoleState = [0, 0, 0, 0];
  #steps = 0;
  #over = true;

  /** An environment; its initial states come from a generator seeded with `options.seed`. */
  constructor(options: CartPoleOptions = {}) {
    this.maxSteps = positiveInteger("CartPole", "maxSteps", options.maxSteps ?? CARTPOLE.maxSteps);
    this.#rng = new Rng(options.seed ?? 0);
  }

  /** The current state. */
  get state(): CartPoleState {
    return this.#state;
  }

  /** Steps taken in the current episode. */
  get steps(): number {
    return this.#steps;
  }

  /** Starts an episode, from `state` if given, else each number uniform in ±0.05; returns it. */
  reset(state?: CartPoleState): CartPoleState {
    const spread = CARTPOLE.initialSpread;
    this.#state = state
      ? [...state] as unknown as CartPoleState
      : [0, 0, 0, 0].map(() => (2 * this.#rng.uniform() - 1) * spread) as unknown as CartPoleState;
    this.#steps = 0;
    this.#over = false;
    return this.#state;
  }

  /** Pushes left (0) or right (1) for one time step. */
  step(action: number): CartPoleStepResult {
    if (this.#over) {
      throw new Error("CartPole.step: the episode is over (or never started); call reset() first");
    }
    this.#state = cartPoleStep(this.#state, action);
    this.#steps++;
    const terminated = cartPoleFailed(this.#state);
    const truncated = !terminated && this.#steps >= this.maxSteps;
    this.#over = terminated || truncated;
    return { state: this.#state, reward: 1, terminated, truncated };
  }
}
