/**
 * What every optimizer shares: the checked parameter list, a settable learning rate, zeroing
 * gradients, running a loss closure, and owning (then freeing) its state.
 *
 * @module
 */

import { zeroGrad } from "../autograd/backward.ts";
import { enableGrad } from "../autograd/graph.ts";
import { tidy } from "../tensor/memory.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { checkedParams, type NamedParam, type Params } from "./params.ts";
import { nonNegative } from "./validate.ts";

/**
 * Recomputes the loss at the current parameters, PyTorch's convention: zero the gradients, compute
 * the loss, call `backward()` on it, and return it.
 *
 * @example
 * ```ts
 * const closure = () => {
 *   opt.zeroGrad();
 *   const loss = model(x).sub(y).square().mean();
 *   loss.backward();
 *   return loss;
 * };
 * ```
 */
export type LossClosure = () => Tensor;

/** Options every optimizer takes. */
export interface OptimizerOptions {
  /** Learning rate η, ≥ 0. It can be changed later through `opt.lr` (schedules do). */
  readonly lr?: number;
  /**
   * Weight decay λ ≥ 0 (default 0): an L2 penalty, applied as g ← g + λθ, the gradient of
   * (λ/2)‖θ‖². AdamW applies it decoupled from the gradient instead.
   */
  readonly weightDecay?: number;
}

/** The base of all optimizers. Subclasses define `step`. */
export abstract class Optimizer {
  /** The parameters this optimizer updates, in the order given. */
  readonly params: readonly Tensor[];
  /** Weight decay λ (see {@link OptimizerOptions.weightDecay}). */
  readonly weightDecay: number;
  /** The parameters with the labels error messages use. */
  protected readonly named: readonly NamedParam[];
  /** The optimizer's class name, prefixed to its error messages. */
  protected readonly owner: string;
  #lr: number;
  #disposed = false;

  /**
   * Checks the parameters, the learning rate and the weight decay. Error messages carry the
   * subclass's name.
   *
   * @param params the leaf tensors to update
   * @param lr the learning rate, already defaulted by the subclass
   * @param weightDecay λ, already defaulted by the subclass
   */
  protected constructor(params: Params, lr: number, weightDecay = 0) {
    const owner = new.target.name;
    this.owner = owner;
    this.named = checkedParams(owner, params);
    this.params = this.named.map((p) => p.tensor);
    this.#lr = nonNegative(owner, "lr", lr);
    this.weightDecay = nonNegative(owner, "weightDecay", weightDecay);
  }

  /** The learning rate η. Setting it (as schedules do) takes effect at the next step. */
  get lr(): number {
    return this.#lr;
  }

  set lr(value: number) {
    this.#lr = nonNegative(this.owner, "lr", value);
  }

  /** Whether {@link Optimizer.dispose} has run. */
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /**
   * Updates every parameter in place from its `.grad`. With a `closure` (see {@link LossClosure}),
   * first calls it to compute fresh gradients and returns the loss it gave, as a number.
   */
  abstract step(closure?: LossClosure): number | undefined;

  /** Disposes and clears the gradient of every parameter. */
  zeroGrad(): void {
    zeroGrad(this.params);
  }

  /** Frees the optimizer's state (momentum buffers, moments, history). The parameters stay. */
  dispose(): void {
    this.#disposed = true;
    this.freeState();
  }

  /** Frees whatever state the subclass holds. */
  protected abstract freeState(): void;

  /** Throws if the optimizer was disposed: its state is gone, so a step would silently restart. */
  protected assertLive(method: string): void {
    if (this.#disposed) {
      throw new Error(
        `${this.owner}.${method}: this optimizer was disposed, which freed its state; make a new one`,
      );
    }
  }

  /**
   * Runs `closure` with gradients recorded (even inside `noGrad`), frees the graph it built, and
   * returns its loss as a number. The gradients it accumulated stay on the parameters.
   */
  protected evaluate(closure: LossClosure): number {
    const loss = tidy(() =>
      enableGrad(() => {
        const out = closure();
        if (!(out instanceof Tensor) || out.size !== 1) {
          throw new Error(
            `${this.owner}.step: the closure must return the loss, a one-element tensor, got ${
              out instanceof Tensor ? `shape ${formatShape(out.shape)}` : String(out)
            }`,
          );
        }
        return out.item();
      })
    );
    if (!this.params.some((p) => p.grad)) {
      throw new Error(
        `${this.owner}.step: the closure returned the loss, but no parameter has a gradient; ` +
          "call loss.backward() inside the closure before returning the loss",
      );
    }
    return loss;
  }
}
