/**
 * The course library: tensors, reverse-mode autodiff, ops with gradients, pluggable backends,
 * layers, optimizers, data loaders and a trainer.
 * This is its one public entry.
 *
 * @example
 * ```ts
 * import { randn, tensor } from "./lib/mod.ts";
 * const w = randn([3, 1], { requiresGrad: true });
 * const loss = tensor([[1, 2, 3]]).matmul(w).square().mean();
 * loss.backward();
 * console.log(w.grad!.toString());
 * ```
 *
 * @module
 */

export * from "./tensor/mod.ts";
export * from "./ops/mod.ts";
export * from "./autograd/mod.ts";
export * from "./linalg/mod.ts";
export * from "./backend/mod.ts";
export * from "./testing/mod.ts";
export * from "./optim/mod.ts";
export * from "./data/mod.ts";
export * from "./nn/mod.ts";
export * from "./train/mod.ts";
export * from "./viz/mod.ts";
export * from "./text/mod.ts";
export * from "./sequence/mod.ts";
export * from "./analysis/mod.ts";
export * from "./unsupervised/mod.ts";
export * from "./generative/mod.ts";
export * from "./diagnostics/mod.ts";
export * from "./rl/mod.ts";
export * from "./memory/mod.ts";
