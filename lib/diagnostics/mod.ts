/**
 * Diagnostics of deep networks: how activations and gradients travel through many layers, the
 * deep plain, residual and highway networks that the depth experiments compare, and a bare loop
 * that records each one's training curve on the same batches.
 *
 * @example
 * ```ts
 * import { plainMlp, randn, seed, signalPropagation } from "./lib/mod.ts";
 * seed(0);
 * const net = plainMlp({ inputs: 100, width: 100, depth: 50, init: "he" });
 * const { activationRms, gradientRms } = await signalPropagation(net.layers, randn([256, 100]));
 * ```
 *
 * @module
 */

export {
  type DeepActivation,
  type DeepInit,
  deepInitializer,
  type DeepMlpOptions,
  highwayMlp,
  plainMlp,
  residualMlp,
} from "./deep_networks.ts";
export {
  type SignalPropagation,
  signalPropagation,
  type SignalPropagationOptions,
} from "./signal_propagation.ts";
export { type TrainingCurve, trainingCurve, type TrainingCurveOptions } from "./training_curve.ts";
