/**
 * Neural-network building blocks: the `Module` base class, layers, recurrent cells and sequence
 * layers, their math as plain functions, weight initialisers, and saving and loading weights.
 *
 * @example
 * ```ts
 * import { crossEntropy, Linear, randn, ReLU, saveModule, seed, Sequential, SGD, tensor, tidy }
 *   from "./lib/mod.ts";
 * seed(0);
 * const x = randn([8, 4]);
 * const y = tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: "int32" });
 * const model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3));
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * tidy(() => crossEntropy(model.forward(x), y).backward());
 * opt.step();
 * await saveModule(model, "model.safetensors");
 * ```
 *
 * Layers own their parameters and name them (`weight`, `bias`, `runningMean`, …). Each layer's
 * documentation states its default initialisation and why. The initialisers live in the `init`
 * namespace (`init.xavierUniform`, `init.kaimingNormal`, …) because `init.zeros` would otherwise
 * clash with the tensor function `zeros`.
 *
 * @module
 */

export { LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Softplus, Tanh } from "./activation.ts";
export { BatchNorm, BatchNorm1d, BatchNorm2d, type BatchNormLayerOptions } from "./batch_norm.ts";
export { Conv2d, type Conv2dLayerOptions } from "./conv.ts";
export { Dropout } from "./dropout.ts";
export { Embedding, type EmbeddingOptions } from "./embedding.ts";
export { Flatten } from "./flatten.ts";
export {
  batchNorm,
  type BatchNormOptions,
  dropout,
  gruCell,
  layerNorm,
  linear,
  lstmCell,
  type LSTMState,
  type RecurrentWeights,
  rnnCell,
  type RNNNonlinearity,
  unroll,
} from "./functional.ts";
export { Highway, type HighwayOptions } from "./highway.ts";
export * as init from "./init.ts";
export type { Fans, Initializer } from "./init.ts";
export { loadModule, saveModule } from "./io.ts";
export { LayerNorm, type LayerNormOptions } from "./layer_norm.ts";
export { Linear, type LinearOptions } from "./linear.ts";
export { Module, type StateDict } from "./module.ts";
export { AvgPool2d, MaxPool2d } from "./pool.ts";
export {
  GRU,
  LSTM,
  RNN,
  SequenceLayer,
  type SequenceResult,
  type SteppingCell,
} from "./recurrent.ts";
export {
  GRUCell,
  LSTMCell,
  RecurrentCell,
  type RecurrentOptions,
  RNNCell,
  type RNNOptions,
} from "./recurrent_cell.ts";
export { Residual } from "./residual.ts";
export { Sequential } from "./sequential.ts";
export type { EntryKind, StateEntry } from "./state_check.ts";
