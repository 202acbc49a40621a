/**
 * Measuring how signals travel through a deep network: the size of each layer's activations on
 * the way forward, and of the gradient with respect to them on the way back.
 *
 * @module
 */

import { propagate } from "../autograd/backward.ts";
import { enableGrad } from "../autograd/graph.ts";
import type { Module } from "../nn/module.ts";
import { randn, zeros } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { formatShape, shapesEqual } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { stack } from "../ops/join.ts";

/** Per-stage sizes of the signals, from the first stage to the last. */
export interface SignalPropagation {
  /** The root mean square of each stage's output on the forward pass. */
  readonly activationRms: number[];
  /** The root mean square of the gradient with respect to each stage's output. */
  readonly gradientRms: number[];
}

/** Options of {@link signalPropagation}. */
export interface SignalPropagationOptions {
  /**
   * The gradient fed into the last stage's output (default: standard normal draws from the seeded
   * generator, so the gradient there has a root mean square of about 1 and a random direction).
   */
  readonly outputGradient?: Tensor;
}

/**
 * Feeds `x` forward through `stages` in turn (for example `plainMlp(…).layers`, one block per
 * layer), then a gradient backward from the last stage's output, and returns the root mean square
 * of the activations and of the gradient at every stage's output. In a well-initialised network
 * both stay of the same order through every stage; they shrink or grow geometrically when the
 * weights are too small or too large (vanishing and exploding signals).
 *
 * The gradient of each stage's output is read by adding a zero "probe" tensor to it and taking
 * the gradient with respect to the probe, which equals the gradient with respect to the output.
 * The parameters' `.grad` are not touched. Modules in training mode behave as in training (batch
 * norm uses, and updates, its batch statistics).
 *
 * @example
 * ```ts
 * const net = plainMlp({ inputs: 100, width: 100, depth: 50, init: "xavier" });
 * const { activationRms, gradientRms } = await signalPropagation(net.layers, randn([256, 100]));
 * ```
 */
export async function signalPropagation(
  stages: readonly Module[],
  x: Tensor,
  options: SignalPropagationOptions = {},
): Promise<SignalPropagation> {
  if (stages.length === 0) throw new Error("signalPropagation: give at least one stage");
  const seedGradient = options.outputGradient;
  const sizes = tidy(() =>
    enableGrad(() => {
      const probes: Tensor[] = [];
      const rms: Tensor[] = [];
      let h = x;
      for (const stage of stages) {
        const y = stage.forward(h);
        const p = zeros(y.shape, { requiresGrad: true });
        probes.push(p);
        h = y.add(p);
        rms.push(h.detach().square().mean().sqrt());
      }
      if (seedGradient && !shapesEqual(seedGradient.shape, h.shape)) {
        throw new Error(
          `signalPropagation: outputGradient has shape ${formatShape(seedGradient.shape)} but ` +
            `the last stage's output has shape ${formatShape(h.shape)}`,
        );
      }
      const grads = propagate(h.mul(seedGradient ?? randn(h.shape)).sum());
      return stack([
        stack(rms),
        stack(probes.map((p) => grads.get(p)!.square().mean().sqrt())),
      ]);
    })
  );
  const values = Array.from(await sizes.data());
  sizes.dispose();
  return {
    activationRms: values.slice(0, stages.length),
    gradientRms: values.slice(stages.length),
  };
}
