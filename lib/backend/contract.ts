/**
 * The backend contract: what a backend must provide so that ops and autodiff run on it unchanged.
 *
 * Ops and autodiff never touch element data. They hold opaque {@link Storage} handles and call
 * kernels by name through the registry (`runKernel`). A backend therefore supplies two things:
 *
 * 1. **Storage** ({@link Backend}): upload host values, read them back (always possible
 *    asynchronously, synchronously only where the backend can), and free them.
 * 2. **Kernels** ({@link Kernels}): one function per primitive. The CPU reference kernels in
 *    `lib/backend/cpu/` are the executable specification; a faster backend must agree with them to
 *    float32 rounding, and its tests compare against them.
 *
 * ## Views
 * Tensors are views: a storage, a shape, per-dimension strides (in elements, possibly 0 for a
 * broadcast dimension) and an element offset. Every kernel input is such a {@link TensorInfo}, and
 * **every kernel must accept any view**: non-contiguous, offset, or with zero strides. A backend whose
 * fast path wants contiguous data materialises it itself (the reference backend shows how). Every
 * kernel output is a fresh, contiguous storage ({@link KernelOutput}); kernels never write into their
 * inputs, so no buffer is ever both an input and an output of one kernel.
 *
 * ## Shapes and dtypes
 * The op layer validates shapes and dtypes and resolves defaults (broadcasting, negative axes,
 * `'same'` padding) before calling a kernel, so kernels may assume well-formed arguments as documented
 * on each signature. Elementwise kernels receive operands already broadcast (as views) to the output
 * shape and already promoted to one dtype.
 *
 * @module
 */

import type { DType, TypedArray } from "../tensor/dtype.ts";

/**
 * A backend-owned block of elements. Opaque outside its backend: the op layer only passes it back to
 * the backend that made it. Backends extend it with their own fields (a typed array, a GPU buffer).
 */
export interface Storage {
  /** Name of the backend that owns it. */
  readonly backend: string;
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements it holds. */
  readonly length: number;
}

/** A view of a storage, which is what kernels receive as inputs. */
export interface TensorInfo {
  /** The elements (shared by every view of them). */
  readonly storage: Storage;
  /** Extent of each dimension. */
  readonly shape: readonly number[];
  /** Elements to step in storage per unit of each dimension; 0 repeats (broadcasts) it. */
  readonly strides: readonly number[];
  /** Index in storage of the view's first element. */
  readonly offset: number;
  /** Element type (always equal to `storage.dtype`). */
  readonly dtype: DType;
}

/** What a kernel returns: a new contiguous, row-major storage and its shape. */
export interface KernelOutput {
  /** Freshly allocated storage holding exactly `product(shape)` elements. */
  readonly storage: Storage;
  /** Shape of the result. */
  readonly shape: readonly number[];
}

/** Names of the elementwise kernels that take one operand. */
export type UnaryKernelName =
  | "neg"
  | "exp"
  | "log"
  | "sqrt"
  | "abs"
  | "sign"
  | "relu"
  | "sigmoid"
  | "tanh"
  | "softplus";

/** Names of the elementwise arithmetic kernels that take two operands of one dtype. */
export type BinaryKernelName = "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum";

/** Names of the comparison kernels; each returns float32 ones where it holds and zeros elsewhere. */
export type CompareKernelName =
  | "equal"
  | "notEqual"
  | "less"
  | "lessEqual"
  | "greater"
  | "greaterEqual";

/** Names of the reductions that keep the reduced axes as size 1. */
export type ReduceKernelName = "sum" | "max" | "min";

/**
 * The activation an {@link Epilogue} applies: `'none'` is the identity, `'relu'` is
 * `v < 0 ? 0 : v` (NaN passes through, as in the `relu` unary kernel).
 */
export type FusedActivation = "none" | "relu";

/**
 * What {@link Kernels.matmul} and {@link Kernels.conv2d} do to each output element as they store
 * it: add the bias of its column (matmul: `bias[j]` of y[t, i, j]) or output channel (conv2d:
 * `bias[o]` of y[n, o, oh, ow]), rounded to the dtype as a separate `add` kernel would round it,
 * then apply the activation. Fusing spares the `add` and `relu` kernels that would each read the
 * output and write a fresh tensor: a linear or convolution layer with its ReLU is one kernel.
 */
export interface Epilogue {
  /** A [N] (matmul) or [O] (conv2d) view, any stride, of the operands' dtype, or null. */
  readonly bias: TensorInfo | null;
  /** Applied after the bias. */
  readonly activation: FusedActivation;
}

/** Stride, padding and dilation of a 2-D convolution or pooling window, fully resolved. */
export interface Window2d {
  /** Window height and width. */
  readonly kernel: readonly [number, number];
  /** Step between windows, vertical and horizontal. */
  readonly stride: readonly [number, number];
  /** Implicit padding: top, bottom, left, right. */
  readonly padding: readonly [number, number, number, number];
  /** Spacing between window taps, vertical and horizontal (1 = dense). */
  readonly dilation: readonly [number, number];
}

/** A convolution's window plus its channel grouping. */
export interface Conv2dAttrs extends Window2d {
  /** Input and output channels are split into this many independent groups. */
  readonly groups: number;
}

/** The constants of one {@link Kernels.adamUpdate}. */
export interface AdamAttrs {
  /** Learning rate η. */
  readonly lr: number;
  /** Decay β₁ of the first moment. */
  readonly beta1: number;
  /** Decay β₂ of the second moment. */
  readonly beta2: number;
  /** ε added to the root of the corrected second moment. */
  readonly eps: number;
  /** The parameter's step t, counting from 1, for the bias corrections 1 − βᵗ. */
  readonly step: number;
}

/**
 * Every primitive a backend implements. Shapes in the comments use N batch, C channels, H×W space.
 * "Float" means float32 or float64; the output dtype equals the input dtype unless stated.
 */
export interface Kernels {
  /** Row-major contiguous copy of any view. */
  copy(x: TensorInfo): KernelOutput;
  /** Converts to `dtype` (float to int32 truncates toward zero). */
  cast(x: TensorInfo, dtype: DType): KernelOutput;
  /** A new tensor of `shape` with every element `value`. */
  fill(shape: readonly number[], value: number, dtype: DType): KernelOutput;

  /** `f(x)` elementwise. `neg`, `abs` and `sign` also take int32; the rest take floats. */
  unary(op: UnaryKernelName, x: TensorInfo): KernelOutput;
  /** `x` where positive, `alpha * x` elsewhere. Float. */
  leakyRelu(x: TensorInfo, alpha: number): KernelOutput;
  /** `min(max(x, lo), hi)` elementwise. */
  clip(x: TensorInfo, lo: number, hi: number): KernelOutput;
  /**
   * `a op b` elementwise on same-shape views of one dtype. Integer `div` is not called (the op layer
   * promotes to float); integer `pow` truncates.
   */
  binary(op: BinaryKernelName, a: TensorInfo, b: TensorInfo): KernelOutput;
  /** `a op b` elementwise on same-shape views of one dtype; returns float32 0/1. */
  compare(op: CompareKernelName, a: TensorInfo, b: TensorInfo): KernelOutput;
  /** `cond ? a : b` elementwise; `cond` is nonzero-means-true, any dtype; `a`, `b` share a dtype. */
  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): KernelOutput;

  /** Reduces the sorted, distinct `axes`, keeping each as size 1 in the output. */
  reduce(op: ReduceKernelName, x: TensorInfo, axes: readonly number[]): KernelOutput;
  /** Index (int32) of the first maximum (`argmax`) or minimum along `axis`, kept as size 1. */
  argReduce(op: "argmax" | "argmin", x: TensorInfo, axis: number): KernelOutput;

  /**
   * Batched matrix product of 3-D operands: `a` is [B, M, K] (or [B, K, M] when `transposeA`), `b` is
   * [B, K, N] (or [B, N, K] when `transposeB`); the result is [B, M, N]. Float. An `epilogue`
   * (absent: the plain product) adds a bias and applies an activation as the product is stored.
   */
  matmul(
    a: TensorInfo,
    b: TensorInfo,
    transposeA: boolean,
    transposeB: boolean,
    epilogue?: Epilogue,
  ): KernelOutput;

  /** Joins views along `axis`; all inputs share a dtype and every other dimension. */
  concat(xs: readonly TensorInfo[], axis: number): KernelOutput;
  /** Pads each dimension by `[before, after]` elements of `value`. */
  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): KernelOutput;
  /**
   * Picks slices of `x` along `axis` at int32 `indices` (any shape I). The output shape is
   * `x.shape[:axis] ++ I ++ x.shape[axis+1:]`. An index outside `[0, x.shape[axis])` is an error.
   */
  gather(x: TensorInfo, indices: TensorInfo, axis: number): KernelOutput;
  /**
   * The adjoint of {@link Kernels.gather}: a zero tensor whose `axis` has length `size`, into which
   * each slice of `updates` is added at its index. Repeated indices accumulate.
   */
  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, size: number): KernelOutput;

  /**
   * 2-D cross-correlation. `x` is [N, C, H, W], `w` is [O, C / groups, kH, kW]; the result is
   * [N, O, OH, OW] with `OH = floor((H + pt + pb - dH·(kH-1) - 1) / sH) + 1` (likewise OW). Float.
   * An `epilogue` (absent: the plain convolution) gives y = act(conv(x, w) + b) in the same kernel.
   */
  conv2d(
    x: TensorInfo,
    w: TensorInfo,
    attrs: Conv2dAttrs,
    epilogue?: Epilogue,
  ): KernelOutput;
  /**
   * Gradient of {@link Kernels.conv2d} with respect to its input: given `dy` [N, O, OH, OW] and `w`,
   * returns dx of `inputShape` [N, C, H, W]. This is also the transposed convolution.
   */
  conv2dBackpropInput(
    dy: TensorInfo,
    w: TensorInfo,
    inputShape: readonly number[],
    attrs: Conv2dAttrs,
  ): KernelOutput;
  /**
   * Gradient of {@link Kernels.conv2d} with respect to its filter: given `x` [N, C, H, W] and `dy`
   * [N, O, OH, OW], returns dw of `filterShape` [O, C / groups, kH, kW].
   */
  conv2dBackpropFilter(
    x: TensorInfo,
    dy: TensorInfo,
    filterShape: readonly number[],
    attrs: Conv2dAttrs,
  ): KernelOutput;

  /** Max over each window of [N, C, H, W]; padding never wins. Float. */
  maxPool2d(x: TensorInfo, attrs: Window2d): KernelOutput;
  /** Routes each `dy` element to the first maximum of its window in `x`, accumulating overlaps. */
  maxPool2dBackprop(dy: TensorInfo, x: TensorInfo, attrs: Window2d): KernelOutput;
  /** Mean over each window of [N, C, H, W], counting only positions inside the input. Float. */
  avgPool2d(x: TensorInfo, attrs: Window2d): KernelOutput;
  /** Spreads each `dy` element evenly over the in-bounds positions of its window. */
  avgPool2dBackprop(dy: TensorInfo, inputShape: readonly number[], attrs: Window2d): KernelOutput;

  /**
   * One fused Adam update of same-shape float tensors (one pass instead of a dozen elementwise
   * kernels). Returns the new parameter, first and second moments `[θ', m', v']`, where
   * m' = β₁·m + (1 − β₁)·g, v' = β₂·v + (1 − β₂)·g², and
   * θ' = θ − η·(m' / (1 − β₁ᵗ)) / (√(v' / (1 − β₂ᵗ)) + ε), each operation rounded to the dtype as
   * the unfused ops would round it.
   */
  adamUpdate(
    param: TensorInfo,
    grad: TensorInfo,
    m: TensorInfo,
    v: TensorInfo,
    attrs: AdamAttrs,
  ): [KernelOutput, KernelOutput, KernelOutput];
}

/** The name of a kernel. */
export type KernelName = keyof Kernels;

/**
 * Every kernel name in the contract, for reports of what a backend lacks. Typed as a record over
 * {@link KernelName} so a kernel added to {@link Kernels} cannot be forgotten here.
 */
export const KERNEL_NAMES: readonly KernelName[] = Object.keys(
  {
    copy: true,
    cast: true,
    fill: true,
    unary: true,
    leakyRelu: true,
    clip: true,
    binary: true,
    compare: true,
    where: true,
    reduce: true,
    argReduce: true,
    matmul: true,
    concat: true,
    pad: true,
    gather: true,
    scatterAdd: true,
    conv2d: true,
    conv2dBackpropInput: true,
    conv2dBackpropFilter: true,
    maxPool2d: true,
    maxPool2dBackprop: true,
    avgPool2d: true,
    avgPool2dBackprop: true,
    adamUpdate: true,
  } satisfies Record<KernelName, true>,
) as KernelName[];

/** Bytes and storages a backend holds right now. */
export interface BackendMemory {
  /** Storages allocated and not yet freed. */
  readonly storages: number;
  /** Bytes they occupy. */
  readonly bytes: number;
}

/** Storage management of one backend. Kernels are registered separately, by name. */
export interface Backend {
  /** The name `setBackend` selects it by. */
  readonly name: string;
  /** The dtypes its storage can hold (the GPU has no float64). */
  readonly dtypes: readonly DType[];
  /** Copies host values into a new storage of `dtype`. `values` is not retained. */
  upload(values: TypedArray, dtype: DType): Storage;
  /** Reads all of a storage's elements into a new host array. Every backend supports this. */
  read(storage: Storage): Promise<TypedArray>;
  /**
   * Reads synchronously into a new host array. A backend that cannot (the GPU) throws an error that
   * says to use `await t.data()` instead.
   */
  readSync(storage: Storage): TypedArray;
  /** Releases a storage. The op layer calls it exactly once, when the last view of it is disposed. */
  free(storage: Storage): void;
  /** Current allocation totals. */
  memory(): BackendMemory;
}
