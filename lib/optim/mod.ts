/**
 * Optimizers and what goes with them: first-order methods (SGD with momentum, AdaGrad, RMSProp,
 * Adam, AdamW, AdaDelta), L-BFGS and nonlinear conjugate gradients with a strong Wolfe line search,
 * weight penalties and max-norm constraints, gradient clipping, and learning-rate schedules.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * const schedule = linearWarmup(100, cosineAnnealing(1e-3, 900));
 * for (let t = 0; t < 1000; t++) {
 *   applySchedule(opt, schedule, t);
 *   tidy(() => {
 *     opt.zeroGrad();
 *     lossOf(batch(t)).backward();
 *     clipGradNorm(opt.params, 1.0);
 *     opt.step();
 *   });
 * }
 * opt.dispose();
 * ```
 *
 * @module
 */

export { AdaDelta, type AdaDeltaOptions } from "./adadelta.ts";
export { AdaGrad, type AdaGradOptions } from "./adagrad.ts";
export { Adam, type AdamOptions } from "./adam.ts";
export { AdamW } from "./adamw.ts";
export { clipGradNorm, clipGradValue } from "./clip.ts";
export { ConjugateGradient, type ConjugateGradientOptions } from "./conjugate_gradient.ts";
export {
  FirstOrderOptimizer,
  type FirstOrderOptions,
  type OptimizerState,
  type ParamState,
} from "./first_order.ts";
export { LBFGS, type LBFGSOptions } from "./lbfgs.ts";
export {
  LineSearchOptimizer,
  type LineSearchOptimizerOptions,
  type SearchDirection,
} from "./line_search_optimizer.ts";
export {
  type LineFunction,
  type LineSearchOptions,
  type LineSearchResult,
  strongWolfe,
} from "./line_search.ts";
export { maxNorm } from "./max_norm.ts";
export { type LossClosure, Optimizer, type OptimizerOptions } from "./optimizer.ts";
export type { Params } from "./params.ts";
export { l1Penalty, l2Penalty } from "./penalty.ts";
export { RMSProp, type RMSPropOptions } from "./rmsprop.ts";
export {
  applySchedule,
  constantLr,
  cosineAnnealing,
  exponentialDecay,
  linearWarmup,
  type Schedule,
  stepDecay,
} from "./schedule.ts";
export { SGD, type SGDOptions } from "./sgd.ts";
