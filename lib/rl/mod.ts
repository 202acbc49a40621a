/**
 * Reinforcement learning: a grid world solved by value iteration, CartPole (one environment or a
 * batch stepped together), discounted returns, REINFORCE, experience replay and deep Q-learning,
 * and drawings of grid-world values and CartPole episodes.
 *
 * @example
 * ```ts
 * import { CartPole, runCartPoleEpisodes } from "./lib/mod.ts";
 * // A hand-written policy: push towards the side the pole leans to.
 * const { returns } = runCartPoleEpisodes((obs, n) =>
 *   Int32Array.from({ length: n }, (_, i) => obs[4 * i + 2] > 0 ? 1 : 0), 100);
 * ```
 *
 * @module
 */

export {
  CARTPOLE,
  CartPole,
  cartPoleFailed,
  type CartPoleOptions,
  type CartPoleState,
  cartPoleStep,
  type CartPoleStepResult,
} from "./cartpole.ts";
export {
  type BatchPolicy,
  CartPoleBatch,
  type CartPoleBatchOptions,
  type CartPoleBatchStep,
  type CartPoleEpisode,
  type EpisodesResult,
  runCartPoleEpisodes,
  type RunEpisodesOptions,
} from "./cartpole_batch.ts";
export {
  dqnLoss,
  type DqnLossOptions,
  epsilonGreedy,
  linearSchedule,
  updateTarget,
} from "./dqn.ts";
export { cartPoleFilmstrip, type FilmstripOptions } from "./filmstrip.ts";
export {
  evaluatePolicy,
  GRID_ACTIONS,
  GridWorld,
  type GridWorldSpec,
  type Transition,
  valueIteration,
  type ValueIterationResult,
} from "./grid_world.ts";
export { gridWorldChart, type GridWorldChartOptions } from "./grid_world_chart.ts";
export {
  type EpisodeSteps,
  episodeSteps,
  reinforceLoss,
  sampleActions,
} from "./policy_gradient.ts";
export { ReplayBuffer, type TransitionBatch } from "./replay_buffer.ts";
export { discountedReturns } from "./returns.ts";
