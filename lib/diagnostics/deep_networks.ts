/**
 * Builders of deep multilayer networks, plain, residual and highway, of a given depth, width,
 * activation and initialisation: the networks the depth experiments of chapter 12 compare.
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { BatchNorm1d } from "../nn/batch_norm.ts";
import { ReLU, Sigmoid, Tanh } from "../nn/activation.ts";
import { Highway } from "../nn/highway.ts";
import { type Initializer, kaimingNormal, normal, xavierNormal } from "../nn/init.ts";
import { Linear } from "../nn/linear.ts";
import type { Module } from "../nn/module.ts";
import { Residual } from "../nn/residual.ts";
import { Sequential } from "../nn/sequential.ts";
import { zeros } from "../tensor/creation.ts";

/** The nonlinearity of a deep network's hidden layers. */
export type DeepActivation = "relu" | "sigmoid" | "tanh";

/**
 * How a deep network's weights start: `"he"` (N(0, 2 / fanIn), for ReLU), `"xavier"`
 * (N(0, 2 / (fanIn + fanOut)), for symmetric activations), or the naive `{ std }`: every weight
 * N(0, std²) whatever the layer's size.
 */
export type DeepInit = "he" | "xavier" | { readonly std: number };

/** The shape of a deep network; see {@link plainMlp}. */
export interface DeepMlpOptions {
  /** Input features. */
  readonly inputs: number;
  /** Units of every hidden layer. */
  readonly width: number;
  /**
   * Weight layers in all, counting the output layer when there is one: the depth as the ResNet
   * paper counts it.
   */
  readonly depth: number;
  /** Classes of a final linear output layer; without it every layer is a hidden layer. */
  readonly outputs?: number;
  /** The hidden layers' nonlinearity (default "relu"). */
  readonly activation?: DeepActivation;
  /** The hidden weights' initialisation (default "he"). */
  readonly init?: DeepInit;
  /** Batch normalization between each hidden linear layer and its nonlinearity (default false). */
  readonly batchNorm?: boolean;
}

/** The initialiser that `init` names. */
export function deepInitializer(init: DeepInit): Initializer {
  if (init === "he") return (shape, fans) => kaimingNormal(shape, fans);
  if (init === "xavier") return (shape, fans) => xavierNormal(shape, fans);
  if (typeof init === "object" && init !== null && init.std > 0 && Number.isFinite(init.std)) {
    return (shape) => normal(shape, { std: init.std });
  }
  throw new Error(
    `deep network: init must be "he", "xavier" or { std } with std > 0, got ${
      JSON.stringify(init)
    }`,
  );
}

function activationLayer(activation: DeepActivation): Module {
  switch (activation) {
    case "relu":
      return new ReLU();
    case "sigmoid":
      return new Sigmoid();
    case "tanh":
      return new Tanh();
    default:
      throw new Error(
        `deep network: activation must be "relu", "sigmoid" or "tanh", got ${activation}`,
      );
  }
}

/** The checked options with their defaults filled in. */
function resolve(op: string, options: DeepMlpOptions) {
  for (const key of ["inputs", "width", "depth"] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 1) {
      throw new Error(`${op}: ${key} must be a positive integer, got ${options[key]}`);
    }
  }
  const outputs = options.outputs;
  if (outputs !== undefined && !(Number.isInteger(outputs) && outputs >= 1)) {
    throw new Error(`${op}: outputs must be a positive integer, got ${outputs}`);
  }
  const activation = options.activation ?? "relu";
  activationLayer(activation); // checks the name
  return {
    ...options,
    activation,
    weightInit: deepInitializer(options.init ?? "he"),
    batchNorm: options.batchNorm ?? false,
    hidden: options.depth - (outputs === undefined ? 0 : 1),
  };
}

type Resolved = ReturnType<typeof resolve>;

/** Linear, then batch norm if asked, then the nonlinearity (if `act`). */
function hiddenLayers(o: Resolved, inFeatures: number, act = true): Module[] {
  const layers: Module[] = [new Linear(inFeatures, o.width, { weightInit: o.weightInit })];
  if (o.batchNorm) layers.push(new BatchNorm1d(o.width));
  if (act) layers.push(activationLayer(o.activation));
  return layers;
}

/** The output layer, if the options ask for one. */
function head(o: Resolved): Module[] {
  return o.outputs === undefined ? [] : [new Linear(o.width, o.outputs)];
}

/**
 * A plain deep network: `depth` weight layers, each hidden one a block
 * `Sequential(Linear, [BatchNorm1d], activation)`, then with `outputs` a linear output layer. The
 * blocks are the network's `layers`, so `model.layers` are the stages whose signals
 * {@link signalPropagation} measures.
 *
 * @example
 * ```ts
 * const net = plainMlp({ inputs: 784, width: 64, depth: 20, outputs: 10 }); // 19 blocks + output
 * ```
 */
export function plainMlp(options: DeepMlpOptions): Sequential {
  const o = resolve("plainMlp", options);
  if (o.hidden < 1) throw new Error("plainMlp: depth must leave at least one hidden layer");
  const blocks = Array.from(
    { length: o.hidden },
    (_, i) => new Sequential(...hiddenLayers(o, i === 0 ? o.inputs : o.width)),
  );
  return new Sequential(...blocks, ...head(o));
}

/**
 * A residual network of the same depth as {@link plainMlp}: one hidden block from the inputs to
 * the width, then residual blocks of two weight layers each,
 * `activation(x + F(x))` with F = Linear, [BatchNorm1d], activation, Linear, [BatchNorm1d] (the
 * original ResNet block, with linear layers for convolutions), then the output layer. The depth
 * counts every weight layer, so depth − 1 (without `outputs`) or depth − 2 (with) must be even.
 *
 * The last scale of every residual branch (its batch norm's γ, or without batch norm its second
 * weight) starts at zero, so each block starts as the identity plus a ReLU: without that, every
 * block would add its own unit-variance output to the signal, and the activations of a deep
 * network would grow with its depth.
 *
 * @example
 * ```ts
 * const net = residualMlp({ inputs: 784, width: 64, depth: 20, outputs: 10 }); // 1 + 9·2 + 1
 * ```
 */
export function residualMlp(options: DeepMlpOptions): Sequential {
  const o = resolve("residualMlp", options);
  const inBlocks = o.hidden - 1;
  if (inBlocks < 0 || inBlocks % 2 !== 0) {
    throw new Error(
      `residualMlp: depth ${o.depth} does not split into a first layer, ` +
        `${o.outputs === undefined ? "" : "an output layer, "}and blocks of two layers; ` +
        `use a depth of ${o.outputs === undefined ? "1, 3, 5, …" : "2, 4, 6, …"}`,
    );
  }
  const blocks: Module[] = [new Sequential(...hiddenLayers(o, o.inputs))];
  for (let b = 0; b < inBlocks / 2; b++) {
    const second = hiddenLayers(o, o.width, false);
    // The branch's last scale starts at zero (the BN's γ, or else the weight), so that every
    // block starts as the identity and the deep network as a shallow one (Goyal et al., 2017).
    const last = second[second.length - 1];
    const scale = last instanceof BatchNorm1d ? last.weight! : (last as Linear).weight;
    noGrad(() => scale.assign(zeros(scale.shape)));
    const body = new Sequential(...hiddenLayers(o, o.width), ...second);
    blocks.push(new Sequential(new Residual(body), activationLayer(o.activation)));
  }
  return new Sequential(...blocks, ...head(o));
}

/**
 * A highway network of the same depth: one hidden block from the inputs to the width, then
 * highway layers (each one weight layer of the transform, with its gate), then the output layer.
 * The activation must be "relu" or "tanh" (the transform's); batch normalization is not used.
 *
 * @example
 * ```ts
 * const net = highwayMlp({ inputs: 784, width: 64, depth: 32, outputs: 10 }); // 1 + 30 + 1
 * ```
 */
export function highwayMlp(
  options: DeepMlpOptions & { readonly gateBias?: number },
): Sequential {
  const o = resolve("highwayMlp", options);
  if (o.activation === "sigmoid") {
    throw new Error('highwayMlp: the transform\'s activation must be "relu" or "tanh"');
  }
  if (o.batchNorm) throw new Error("highwayMlp: batchNorm is not supported in highway layers");
  if (o.hidden < 1) throw new Error("highwayMlp: depth must leave at least one hidden layer");
  const layers: Module[] = [new Sequential(...hiddenLayers(o, o.inputs))];
  for (let l = 1; l < o.hidden; l++) {
    layers.push(
      new Highway(o.width, {
        activation: o.activation,
        weightInit: o.weightInit,
        gateBias: options.gateBias,
      }),
    );
  }
  return new Sequential(...layers, ...head(o));
}
