/**
 * Activation functions as layers, for use inside `Sequential`. Each is a parameterless wrapper
 * around the op of the same name.
 *
 * @module
 */

import { logSoftmax, softmax } from "../ops/softmax.ts";
import { leakyRelu, relu, sigmoid, softplus, tanh } from "../ops/unary.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";

/** max(x, 0). */
export class ReLU extends Module {
  /** The activation of x. */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * x where x > 0 and `negativeSlope`·x elsewhere. The default slope is PyTorch's 0.01 (the
 * `leakyRelu` op defaults to TensorFlow.js's 0.2 instead; pass the slope to match either).
 */
export class LeakyReLU extends Module {
  /** A leaky ReLU with slope `negativeSlope` for negative inputs. */
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  /** The activation of x. */
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  protected override describe(): string {
    return `negativeSlope: ${this.negativeSlope}`;
  }
}

/** 1 / (1 + e^−x). */
export class Sigmoid extends Module {
  /** The activation of x. */
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** The hyperbolic tangent. */
export class Tanh extends Module {
  /** The activation of x. */
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** log(1 + e^x), a smooth ReLU. */
export class Softplus extends Module {
  /** The activation of x. */
  forward(x: Tensor): Tensor {
    return softplus(x);
  }
}

/** Probabilities along `axis` (default the last): e^x / Σ e^x. */
export class Softmax extends Module {
  /** A softmax along `axis`. */
  constructor(readonly axis = -1) {
    super();
  }

  /** The softmax of x. */
  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }

  protected override describe(): string {
    return `axis: ${this.axis}`;
  }
}

/** Log-probabilities along `axis` (default the last): x − log Σ e^x, without overflow. */
export class LogSoftmax extends Module {
  /** A log-softmax along `axis`. */
  constructor(readonly axis = -1) {
    super();
  }

  /** The log-softmax of x. */
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.axis);
  }

  protected override describe(): string {
    return `axis: ${this.axis}`;
  }
}
