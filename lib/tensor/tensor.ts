/**
 * The Tensor: a typed, strided view of backend storage, with the fields autodiff needs.
 *
 * A tensor never touches element data itself. It holds an opaque storage handle shared with its views
 * (reference-counted), and reads go through its backend. Arithmetic methods such as `t.add(u)` are
 * attached by `lib/ops/methods.ts`.
 *
 * @module
 */

import type { GradNode } from "../autograd/node.ts";
import type { Backend, Storage, TensorInfo } from "../backend/contract.ts";
import { runKernel } from "../backend/registry.ts";
import { displayBundle } from "./display.ts";
import { type DType, isFloat, type TypedArray } from "./dtype.ts";
import { formatTensor } from "./format.ts";
import { coversStorage, gatherView } from "./layout.ts";
import { track, untrack } from "./memory.ts";
import { contiguousStrides, formatShape, isContiguous, type Shape, sizeOf } from "./shape.ts";

/** Nested arrays of numbers, as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

/** Storage shared by a tensor and its views; freed when the last of them is disposed. */
class SharedStorage {
  refs = 1;
  constructor(readonly storage: Storage, readonly backend: Backend) {}
}

let nextId = 0;

/** An n-dimensional array of float32, float64 or int32 elements that can take part in autodiff. */
export class Tensor implements TensorInfo {
  /** A number unique to this tensor, for debugging and graph printing. */
  readonly id: number = nextId++;
  /** Extent of each dimension. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /**
   * The accumulated gradient of the last `backward()` with respect to this tensor, for leaf tensors
   * with `requiresGrad`. The tensor owns it: no `tidy` frees it; `zeroGrad()` and `dispose()` do.
   */
  grad: Tensor | null = null;
  /** How this tensor was computed, when autodiff recorded it; null for leaves. */
  gradNode: GradNode | null = null;

  #shared: SharedStorage | null;
  #strides: readonly number[];
  #offset: number;
  #requiresGrad = false;

  /** @internal Use the creation functions (`tensor`, `zeros`, …) instead. */
  constructor(
    shared: SharedStorage,
    shape: readonly number[],
    strides: readonly number[],
    offset: number,
  ) {
    this.#shared = shared;
    this.shape = Object.freeze([...shape]);
    this.#strides = Object.freeze([...strides]);
    this.#offset = offset;
    this.dtype = shared.storage.dtype;
    this.size = sizeOf(shape);
    track(this);
  }

  /** Storage step of each dimension, in elements. */
  get strides(): readonly number[] {
    return this.#strides;
  }

  /** Storage index of the first element. */
  get offset(): number {
    return this.#offset;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** The storage this tensor views. Throws a clear error once the tensor is disposed. */
  get storage(): Storage {
    return this.#live("read").storage;
  }

  /** The backend that owns the storage. */
  get backend(): Backend {
    return this.#live("read").backend;
  }

  /** Whether `dispose()` has run. */
  get isDisposed(): boolean {
    return this.#shared === null;
  }

  /** Whether the elements are laid out row-major without gaps (offset aside). */
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /**
   * Whether autodiff tracks operations on this tensor. Set it on leaves (parameters, inputs you want
   * gradients for). Only float tensors can require gradients.
   */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (value && !isFloat(this.dtype)) {
      throw new Error(
        `requiresGrad: a ${this.dtype} tensor cannot have a gradient; ` +
          `int32 holds indices and labels. Convert with .toFloat() first.`,
      );
    }
    if (!value && this.gradNode) {
      throw new Error(
        "requiresGrad: this tensor was computed by a recorded op; use .detach() to get a copy " +
          "outside the graph instead of switching off requiresGrad",
      );
    }
    this.#requiresGrad = value;
  }

  /**
   * Replaces this tensor's values with `value`'s (same shape and dtype), keeping its identity, its
   * `requiresGrad` and its `.grad`. This is how optimizers update parameters: models keep pointing
   * at the same tensor. Only leaves can be assigned, and a graph recorded before the assignment
   * still sees the old values only if it saved a different tensor, so assign after `backward()`.
   */
  assign(value: Tensor): this {
    const shared = this.#live("assign");
    if (this.gradNode) {
      throw new Error(
        "assign: this tensor was computed by a recorded op; only leaf tensors (parameters, " +
          "inputs) can be assigned",
      );
    }
    if (
      value.dtype !== this.dtype || value.shape.length !== this.shape.length ||
      value.shape.some((d, i) => d !== this.shape[i])
    ) {
      throw new Error(
        `assign: the new value is ${formatShape(value.shape)} ${value.dtype} but the tensor is ` +
          `${formatShape(this.shape)} ${this.dtype}; they must match`,
      );
    }
    const source = value.sharedStorage("assign");
    if (coversStorage(value, source.storage.length)) {
      source.refs++;
      this.#shared = source;
    } else {
      // A view of a larger storage would pin all of it: copy just the elements instead.
      const out = runKernel("copy", value);
      this.#shared = new SharedStorage(out.storage, source.backend);
    }
    this.#strides = Object.freeze(contiguousStrides(this.shape));
    this.#offset = 0;
    if (--shared.refs === 0) shared.backend.free(shared.storage);
    return this;
  }

  /** @internal Marks an op result as part of the graph. Used by autodiff. */
  setGradNode(node: GradNode): void {
    this.gradNode = node;
    this.#requiresGrad = true;
  }

  /**
   * A new tensor sharing this one's storage but outside the autodiff graph: it does not require grad
   * and gradients do not flow through it.
   */
  detach(): Tensor {
    return viewOf(this, this.shape, this.strides, this.offset, "detach");
  }

  /** All elements as a new contiguous typed array. Works on every backend. */
  async data(): Promise<TypedArray> {
    const shared = this.#live("data");
    if (coversStorage(this, shared.storage.length)) {
      return await shared.backend.read(shared.storage);
    }
    const all = await shared.backend.read(shared.storage);
    return gatherView(all, this, this.dtype);
  }

  /**
   * All elements as a new contiguous typed array, synchronously. Only backends that keep data on the
   * host support this; on the GPU use `await t.data()`.
   */
  dataSync(): TypedArray {
    return this.#readSync("dataSync");
  }

  /** `dataSync` under the name of the method the caller used, for error messages. */
  #readSync(op: string): TypedArray {
    const shared = this.#live(op);
    const all = shared.backend.readSync(shared.storage);
    if (coversStorage(this, shared.storage.length)) return all;
    return gatherView(all, this, this.dtype);
  }

  /** The elements as nested arrays, asynchronously (works on every backend). */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }

  /** The elements as nested arrays (synchronous; CPU only). A scalar gives a number. */
  toArray(): NestedArray {
    return nest(this.#readSync("toArray"), this.shape);
  }

  /** The single element of a one-element tensor, as a number (synchronous; CPU only). */
  item(): number {
    // Disposal first: a freed tensor's element count is beside the point.
    this.#live("item");
    if (this.size !== 1) {
      throw new Error(
        `item: the tensor has shape ${formatShape(this.shape)} (${this.size} elements); ` +
          `item() needs exactly one element. Reduce it first, e.g. t.sum().item().`,
      );
    }
    return this.#readSync("item")[0];
  }

  /**
   * Frees this tensor's hold on its storage (the storage itself goes when its last view does), and
   * its gradient. Calling it twice is harmless.
   */
  dispose(): void {
    const shared = this.#shared;
    if (!shared) return;
    this.#shared = null;
    untrack(this);
    if (--shared.refs === 0) shared.backend.free(shared.storage);
    this.grad?.dispose();
    this.grad = null;
  }

  /**
   * A readable summary: a header with shape and dtype, then the values in aligned brackets, e.g.
   * `Tensor [2, 2] float32` and `[[1.0000, 2.0000], [3.0000, 4.0000]]` on two lines. Tensors over
   * 1000 elements show three entries at each edge of every dimension, with `...` between.
   */
  toString(): string {
    return formatTensor(this);
  }

  /** Rich output for the Deno Jupyter kernel: a table for a matrix, a heat-map for an image. */
  [Symbol.for("Jupyter.display")](): Promise<Record<string, string>> {
    return displayBundle(this);
  }

  #live(op: string): SharedStorage {
    if (!this.#shared) {
      throw new Error(
        `${op}: this tensor (shape ${formatShape(this.shape)}, ${this.dtype}) was disposed. ` +
          `A tidy() scope ends it unless the tensor is returned from the scope or passed to keep().`,
      );
    }
    return this.#shared;
  }

  /** @internal The shared storage, for making views. */
  sharedStorage(op: string): SharedStorage {
    return this.#live(op);
  }
}

/** Wraps a freshly made storage (one owner) as a contiguous tensor of `shape`. */
export function wrapStorage(storage: Storage, backend: Backend, shape: Shape): Tensor {
  return new Tensor(new SharedStorage(storage, backend), shape, contiguousStrides(shape), 0);
}

/**
 * A new tensor that shares `base`'s storage with a different geometry. The caller guarantees the
 * geometry stays inside the storage.
 */
export function viewOf(
  base: Tensor,
  shape: Shape,
  strides: readonly number[],
  offset: number,
  op = "view",
): Tensor {
  const shared = base.sharedStorage(op);
  shared.refs++;
  return new Tensor(shared, shape, strides, offset);
}

function nest(values: TypedArray, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return values[0];
  const build = (dim: number, start: number): NestedArray[] => {
    const n = shape[dim];
    const stride = sizeOf(shape.slice(dim + 1));
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = dim === shape.length - 1 ? values[start + i] : build(dim + 1, start + i * stride);
    }
    return out;
  };
  return build(0, 0);
}
