/**
 * The `Module` base class: a layer or a model that owns named parameters, buffers and child modules.
 *
 * Registration is explicit. A subclass names each piece once, usually in a field initialiser, and the
 * name it gives is the name that appears in `namedParameters()`, `stateDict()` and saved files:
 *
 * ```ts
 * class Mlp extends Module {
 *   fc1 = this.registerModule("fc1", new Linear(784, 128));
 *   fc2 = this.registerModule("fc2", new Linear(128, 10));
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(this.fc1.forward(x).relu());
 *   }
 * }
 * // namedParameters(): fc1.weight, fc1.bias, fc2.weight, fc2.bias
 * ```
 *
 * Explicit names were chosen over discovering fields: they do not change when a field is renamed or
 * a helper tensor is cached on the object, so files saved today still load tomorrow.
 *
 * Name order is deterministic: a module's own parameters, then its own buffers, then each child's
 * entries (recursively, prefixed with the child's name and a dot), all in registration order.
 *
 * @module
 */

import { zeroGrad } from "../autograd/backward.ts";
import { noGrad } from "../autograd/graph.ts";
import { keep } from "../tensor/memory.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkState, type EntryKind, type SavedEntry, type StateEntry } from "./state_check.ts";

/** Parameters and buffers by dotted name, as {@link Module.stateDict} returns them. */
export type StateDict = Record<string, Tensor>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$|^[0-9]+$/;

/** A layer or model: named parameters, buffers and children, a training flag and a forward pass. */
export abstract class Module {
  #training = true;
  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();

  /** The module's output for a batch of inputs. */
  abstract forward(x: Tensor): Tensor;

  /** Whether the module is in training mode (dropout active, batch statistics used and updated). */
  get training(): boolean {
    return this.#training;
  }

  /** Sets training mode (default) or evaluation mode on this module and every descendant. */
  train(mode = true): this {
    this.#training = mode;
    for (const child of this.#children.values()) child.train(mode);
    return this;
  }

  /** Evaluation mode for this module and every descendant: the same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Registers `tensor` as a trainable parameter called `name` and returns it. The module takes
   * ownership: the tensor gets `requiresGrad`, leaves every open `tidy` scope (so a model built
   * inside one survives it) and is freed by {@link Module.dispose}.
   */
  protected registerParameter(name: string, tensor: Tensor): Tensor {
    this.#claim("registerParameter", name);
    if (tensor.gradNode) {
      throw new Error(
        `registerParameter: '${name}' was computed by a recorded op; a parameter must be a leaf. ` +
          "Create it directly (e.g. with an initialiser from init) or pass t.detach().",
      );
    }
    tensor.requiresGrad = true;
    this.#parameters.set(name, keep(tensor));
    return tensor;
  }

  /**
   * Registers `tensor` as a buffer called `name` and returns it: state that is saved and loaded
   * with the model but not trained (BatchNorm's running statistics). The module owns it, as for
   * {@link Module.registerParameter}.
   */
  protected registerBuffer(name: string, tensor: Tensor): Tensor {
    this.#claim("registerBuffer", name);
    this.#buffers.set(name, keep(tensor));
    return tensor;
  }

  /** Registers `module` as a child called `name` and returns it; its entries appear as `name.…`. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.#claim("registerModule", name);
    this.#children.set(name, module);
    module.train(this.#training);
    return module;
  }

  #claim(op: string, name: string): void {
    if (!NAME.test(name)) {
      throw new Error(
        `${op}: '${name}' is not a valid name; use letters, digits and underscores (no dots: ` +
          "dots join the names of nested modules)",
      );
    }
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new Error(`${op}: ${this.constructor.name} already has an entry called '${name}'`);
    }
  }

  /** The direct children, by name, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.#children];
  }

  /** Every parameter and buffer below this module, with its dotted name and kind, in name order. */
  stateEntries(): StateEntry[] {
    const out: StateEntry[] = [];
    const walk = (module: Module, prefix: string) => {
      for (const [name, tensor] of module.#parameters) {
        out.push({ name: prefix + name, kind: "parameter", tensor });
      }
      for (const [name, tensor] of module.#buffers) {
        out.push({ name: prefix + name, kind: "buffer", tensor });
      }
      for (const [name, child] of module.#children) walk(child, `${prefix}${name}.`);
    };
    walk(this, "");
    return out;
  }

  /**
   * The trainable parameters with their dotted names (e.g. `fc1.weight`). A tensor shared by two
   * layers (tied weights) appears once, under its first name, so an optimizer steps it once.
   */
  namedParameters(): [string, Tensor][] {
    return this.#named("parameter");
  }

  /** The trainable parameters, in the order of {@link Module.namedParameters}: give these to an optimizer. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** The buffers (non-trainable state) with their dotted names. */
  namedBuffers(): [string, Tensor][] {
    return this.#named("buffer");
  }

  #named(kind: EntryKind): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    for (const e of this.stateEntries()) {
      if (e.kind !== kind || seen.has(e.tensor)) continue;
      seen.add(e.tensor);
      out.push([e.name, e.tensor]);
    }
    return out;
  }

  /** How many numbers the parameters hold in all (each shared tensor counted once). */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /**
   * Every parameter and buffer by dotted name. The values are the module's own tensors, not
   * copies: they follow later training steps, and disposing them breaks the module.
   */
  stateDict(): StateDict {
    return Object.fromEntries(this.stateEntries().map((e) => [e.name, e.tensor]));
  }

  /**
   * Sets every parameter and buffer from `state` (as {@link Module.stateDict} gives it). Names,
   * shapes and dtypes must match exactly; the first mismatch throws, naming the entry, and nothing
   * is changed. The module then shares storage with the given tensors, so disposing them later is
   * safe.
   */
  loadStateDict(state: StateDict): void {
    const given = new Map<string, SavedEntry>(
      Object.entries(state).map(([name, t]) => {
        if (t.isDisposed) {
          throw new Error(
            `loadStateDict: the state dict's tensor '${name}' was disposed; take the state dict ` +
              "from a live model, or return it from the tidy() that made it",
          );
        }
        return [name, t];
      }),
    );
    const entries = this.stateEntries();
    checkState("loadStateDict", "the state dict", entries, given);
    noGrad(() => {
      for (const e of entries) e.tensor.assign(state[e.name]);
    });
  }

  /** Disposes the gradient of every parameter (what an optimizer's `zeroGrad()` does). */
  zeroGrad(): void {
    zeroGrad(this.parameters());
  }

  /** Frees every parameter and buffer (and their gradients). The module cannot be used afterwards. */
  dispose(): void {
    for (const e of this.stateEntries()) e.tensor.dispose();
  }

  /**
   * A readable tree of the module, one line per layer, e.g. `Sequential(` / `  (0): Linear(784 → 128)`
   * / `  (1): ReLU()` / `)`.
   */
  toString(): string {
    const head = `${this.constructor.name}(${this.describe()}`;
    if (this.#children.size === 0) return `${head})`;
    const lines = [...this.#children].map(([name, child]) =>
      `  (${name}): ${child.toString().replaceAll("\n", "\n  ")}`
    );
    return `${head}\n${lines.join("\n")}\n)`;
  }

  /** The settings shown between the parentheses of {@link Module.toString}; empty by default. */
  protected describe(): string {
    return "";
  }
}
