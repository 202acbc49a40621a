/**
 * First-order optimizers: each parameter moves by a rule of its own gradient and its own state
 * (momentum, running moments). SGD, AdaGrad, RMSProp, Adam, AdamW and AdaDelta differ only in
 * that rule, written as {@link FirstOrderOptimizer.update}.
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { add, mul } from "../ops/arithmetic.ts";
import { keep, tidy } from "../tensor/memory.ts";
import { formatShape, shapesEqual } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { assertFiniteGrads, checkByDefault } from "./finite.ts";
import { type LossClosure, Optimizer, type OptimizerOptions } from "./optimizer.ts";
import type { Params } from "./params.ts";

/** Options of every first-order optimizer. */
export interface FirstOrderOptions extends OptimizerOptions {
  /**
   * Check before each step that no gradient holds NaN or Infinity, and throw naming the parameter
   * if one does (nothing is updated then). It costs one small synchronous read per parameter, so it
   * defaults to on for the CPU backend and off elsewhere.
   */
  readonly checkFinite?: boolean;
}

/** The state an optimizer keeps for one parameter. */
export interface ParamState {
  /** Steps taken on this parameter, counting the one in progress (1 during the first). */
  step: number;
  /** Named buffers shaped like the parameter, such as `"momentum"` or `"m"` and `"v"`. */
  readonly buffers: Map<string, Tensor>;
}

/** A snapshot of an optimizer's state, from {@link FirstOrderOptimizer.stateDict}. */
export interface OptimizerState {
  /** The learning rate at the time. */
  readonly lr: number;
  /** Per parameter, in order: its step count and buffers, or null if it was never stepped. */
  readonly params: readonly (
    | { readonly step: number; readonly buffers: Readonly<Record<string, Tensor>> }
    | null
  )[];
}

/**
 * The base of optimizers that update each parameter from its own gradient and state. `step()`
 * applies the weight decay, then {@link FirstOrderOptimizer.update}, to every parameter that has a
 * `.grad`, assigning the result in place; parameters without a gradient are left alone.
 *
 * State buffers are made on a parameter's first step and updated in place after that, so memory
 * stays flat from the second step on.
 */
export abstract class FirstOrderOptimizer extends Optimizer {
  /** Whether to check gradients for NaN (see {@link FirstOrderOptions.checkFinite}). */
  readonly checkFinite: boolean | undefined;
  #state = new Map<Tensor, ParamState>();

  /**
   * Checks the parameters and the common options.
   *
   * @param defaultLr the learning rate when `options.lr` is omitted
   */
  protected constructor(
    params: Params,
    options: FirstOrderOptions,
    defaultLr: number,
  ) {
    super(params, options.lr ?? defaultLr, options.weightDecay);
    this.checkFinite = options.checkFinite;
  }

  /**
   * Updates every parameter that has a gradient. With a `closure`, calls it first for fresh
   * gradients and returns its loss.
   *
   * @throws when a gradient holds NaN or Infinity (if checked), naming the parameter.
   */
  step(closure?: LossClosure): number | undefined {
    this.assertLive("step");
    const loss = closure ? this.evaluate(closure) : undefined;
    const stepping = this.named.filter((p) => p.tensor.grad);
    if (this.checkFinite ?? checkByDefault()) assertFiniteGrads(this.owner, stepping, this.lr);
    noGrad(() =>
      tidy(() => {
        for (const { tensor: p } of stepping) {
          const state = this.#stateOf(p);
          state.step++;
          p.assign(this.update(p, this.regularize(p, p.grad!), state));
        }
      })
    );
    return loss;
  }

  /**
   * The gradient the update rule sees: with weight decay λ, g + λθ (the gradient of an added
   * (λ/2)‖θ‖² penalty). AdamW overrides this to decouple the decay.
   */
  protected regularize(param: Tensor, grad: Tensor): Tensor {
    return this.weightDecay > 0 ? add(grad, mul(param, this.weightDecay)) : grad;
  }

  /**
   * The rule: the parameter's new value from its current value, its (regularised) gradient and its
   * state. Runs inside `noGrad` and `tidy`; update state buffers with `assign`.
   */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState): Tensor;

  /**
   * The state buffer `name`, made by `init` the first time it is asked for. The optimizer owns it
   * until `dispose()`; update it with `buffer.assign(next)` so it keeps its identity.
   */
  protected buffer(state: ParamState, name: string, init: () => Tensor): Tensor {
    let b = state.buffers.get(name);
    if (!b) {
      b = keep(init());
      state.buffers.set(name, b);
    }
    return b;
  }

  /**
   * A snapshot of the state: the learning rate and, per parameter, its step count and copies of its
   * buffers. The copies share storage with the buffers until those are next updated, so this is
   * cheap; the caller owns them and disposes them.
   */
  stateDict(): OptimizerState {
    this.assertLive("stateDict");
    return {
      lr: this.lr,
      params: this.params.map((p) => {
        const state = this.#state.get(p);
        if (!state) return null;
        const buffers: Record<string, Tensor> = {};
        for (const [name, b] of state.buffers) buffers[name] = b.detach();
        return { step: state.step, buffers };
      }),
    };
  }

  /**
   * Replaces the state with a snapshot from {@link FirstOrderOptimizer.stateDict} of an optimizer
   * of the same kind over parameters of the same shapes. The snapshot stays the caller's.
   *
   * @throws when the parameter count or a buffer's shape or dtype differs.
   */
  loadStateDict(snapshot: OptimizerState): void {
    this.assertLive("loadStateDict");
    if (snapshot.params.length !== this.params.length) {
      throw new Error(
        `${this.owner}.loadStateDict: the snapshot has state for ${snapshot.params.length} ` +
          `parameters but this optimizer has ${this.params.length}`,
      );
    }
    this.named.forEach(({ label, tensor }, i) => {
      for (const b of Object.values(snapshot.params[i]?.buffers ?? {})) {
        if (!shapesEqual(b.shape, tensor.shape) || b.dtype !== tensor.dtype) {
          throw new Error(
            `${this.owner}.loadStateDict: a buffer for ${label} is ${formatShape(b.shape)} ` +
              `${b.dtype} but the parameter is ${formatShape(tensor.shape)} ${tensor.dtype}`,
          );
        }
      }
    });
    this.freeState();
    this.lr = snapshot.lr;
    this.params.forEach((p, i) => {
      const saved = snapshot.params[i];
      if (!saved) return;
      const buffers = new Map<string, Tensor>();
      for (const [name, b] of Object.entries(saved.buffers)) buffers.set(name, keep(b.detach()));
      this.#state.set(p, { step: saved.step, buffers });
    });
  }

  /** Disposes every state buffer. */
  protected freeState(): void {
    for (const state of this.#state.values()) {
      for (const b of state.buffers.values()) b.dispose();
    }
    this.#state.clear();
  }

  #stateOf(p: Tensor): ParamState {
    let state = this.#state.get(p);
    if (!state) {
      state = { step: 0, buffers: new Map() };
      this.#state.set(p, state);
    }
    return state;
  }
}
