/**
 * Matrix multiplication with NumPy semantics: batched over leading dimensions, which broadcast; and
 * the fused product of a dense layer, with its bias and activation applied by the same kernel.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import type { FusedActivation, TensorInfo } from "../backend/contract.ts";
import { runKernel } from "../backend/registry.ts";
import { broadcastShapes, formatShape, sizeOf } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { asTensor, fromKernel, fusedActivation, requireFloat, type TensorLike } from "./convert.ts";
import { broadcastInfo, reshape, sumTo, swapAxes } from "./view.ts";
import { promoteTypes } from "../tensor/dtype.ts";
import { cast } from "./cast.ts";
import { mul } from "./arithmetic.ts";
import { greater } from "./compare.ts";

/**
 * A 3-D [B, rows, cols] operand for the kernel, without copying when possible: the leading
 * dimensions must merge into one stride, and the matrix itself must be row-major or its transpose.
 * Returns the view and whether it is transposed. Anything else is copied once.
 */
function matrixOperand(info: TensorInfo): { view: TensorInfo; transposed: boolean; copy?: Tensor } {
  const r = info.shape.length;
  const [rows, cols] = info.shape.slice(r - 2);
  const [rs, cs] = info.strides.slice(r - 2);
  const batchDims = info.shape.slice(0, r - 2);
  const batchStrides = info.strides.slice(0, r - 2);
  // Leading dimensions merge when each steps exactly over the next (or all are broadcast).
  let batchStride: number | null = 0;
  const live = batchDims.map((d, i) => [d, batchStrides[i]]).filter(([d]) => d !== 1);
  if (live.length) {
    batchStride = live[live.length - 1][1];
    for (let i = live.length - 2; i >= 0; i--) {
      if (live[i][1] !== live[i + 1][1] * live[i + 1][0]) batchStride = null;
    }
  }
  const batch = sizeOf(batchDims);
  const rowMajor = cs === 1 || cols === 1 ? (rs === cols || rows === 1) : false;
  const colMajor = !rowMajor && (rs === 1 || rows === 1) && (cs === rows || cols === 1);
  if (batchStride !== null && (rowMajor || colMajor)) {
    const shape = colMajor ? [batch, cols, rows] : [batch, rows, cols];
    const strides = colMajor ? [batchStride, rows, 1] : [batchStride, cols, 1];
    return { view: { ...info, shape, strides }, transposed: colMajor };
  }
  const copy = fromKernel(runKernel("copy", info), [batch, rows, cols]);
  return { view: copy, transposed: false, copy };
}

/**
 * a @ b. Both need at least one dimension; a 1-D operand is a vector (a row on the left, a column on
 * the right) and its dimension is dropped from the result, as in NumPy.
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  return product("matmul", a, b, null, "none");
}

/** Options of {@link fusedMatmul}. */
export interface FusedMatmulOptions {
  /**
   * Added to every row of the product: one value per output column, [N] (or a scalar or [1],
   * which broadcast to it). Default none.
   */
  readonly bias?: TensorLike | null;
  /** Applied after the bias: `'none'` (default) or `'relu'`. */
  readonly activation?: FusedActivation;
}

/**
 * act(a @ b + bias) in one kernel: {@link matmul}'s product (same shapes, same NumPy rules), with
 * the bias added and the activation applied as the kernel stores each element, so that a dense
 * layer with its ReLU reads and writes its output once (one dispatch on the GPU) instead of three
 * times. The values are those of the composition `relu(add(matmul(a, b), bias))`, rounding
 * included, once all operands are promoted to one dtype. Without a bias or an activation it
 * computes `matmul`.
 *
 * The gradient is taken side by side: dz = dy · (y > 0) from the saved output y for `'relu'`
 * (dz = dy otherwise), the bias's is dz summed over every row, and a's and b's are matmul's of dz.
 */
export function fusedMatmul(
  a: TensorLike,
  b: TensorLike,
  options: FusedMatmulOptions = {},
): Tensor {
  const activation = fusedActivation("fusedMatmul", options.activation);
  return product("fusedMatmul", a, b, options.bias ?? null, activation);
}

/**
 * The matmul op, named `op` in its errors, with an optional epilogue: `bias` (broadcast to the
 * product's columns) and `activation`, applied by the kernel.
 */
function product(
  op: string,
  a: TensorLike,
  b: TensorLike,
  biasLike: TensorLike | null,
  activation: FusedActivation,
): Tensor {
  const x = asTensor(op, a), y = asTensor(op, b);
  requireFloat(op, x);
  requireFloat(op, y);
  if (x.rank === 0 || y.rank === 0) {
    throw new Error(
      `${op}: operands need at least one dimension, got ${formatShape(x.shape)} and ${
        formatShape(y.shape)
      }`,
    );
  }
  // Checked before vectors are promoted to matrices, so the message shows the caller's shapes.
  const k = x.shape[x.rank - 1];
  const k2 = y.shape[Math.max(y.rank - 2, 0)];
  if (k !== k2) {
    throw new Error(
      `${op}: inner dimensions differ: ${formatShape(x.shape)} @ ${formatShape(y.shape)} ` +
        `(${k} columns vs ${k2} rows)`,
    );
  }
  const operands = promoteTypes(x.dtype, y.dtype);
  const z = biasLike === null ? null : asTensor(op, biasLike, operands);
  if (z) requireFloat(op, z);
  const dtype = z ? promoteTypes(operands, z.dtype) : operands;
  const lhs = cast(x, dtype), rhs = cast(y, dtype), bias = z && cast(z, dtype);
  // A vector multiplies as a one-row (left) or one-column (right) matrix.
  const xs = x.rank === 1 ? [1, k] : x.shape;
  const ys = y.rank === 1 ? [k, 1] : y.shape;
  const m = xs[xs.length - 2], n = ys[ys.length - 1];
  if (bias && (bias.rank > 1 || (bias.size !== 1 && bias.size !== n))) {
    throw new Error(
      `${op}: the bias ${formatShape(bias.shape)} must hold one value per column of the ` +
        `product, [${n}] (or a scalar or [1])`,
    );
  }
  // The op name carries both full shapes: the batch shapes alone would not say which call failed.
  const batch = broadcastShapes(
    `${op}: batch dimensions of ${formatShape(x.shape)} @ ${formatShape(y.shape)}`,
    xs.slice(0, -2),
    ys.slice(0, -2),
  );
  const full = [...batch, m, n];
  // The dimensions a vector added are dropped from the result, as in NumPy.
  const outShape = full.filter((_, i) =>
    !(x.rank === 1 && i === full.length - 2) && !(y.rank === 1 && i === full.length - 1)
  );
  const av = matrixOperand(operandInfo(lhs, "left", [...batch, m, k]));
  const bv = matrixOperand(operandInfo(rhs, "right", [...batch, k, n]));
  const epilogue = bias || activation !== "none"
    ? { bias: bias && broadcastInfo(op, bias, [n]), activation }
    : undefined;
  const out = fromKernel(
    runKernel("matmul", av.view, bv.view, av.transposed, bv.transposed, epilogue),
    outShape,
  );
  av.copy?.dispose();
  bv.copy?.dispose();
  const inputs = bias ? [lhs, rhs, bias] : [lhs, rhs];
  return record(op, inputs, out, (g, needs) => {
    // The gradient at the product: through the activation, from the saved output (y > 0 exactly
    // where the product plus bias is > 0).
    const gz = activation === "relu" ? mul(g, greater(out, 0)) : g;
    const gm = reshape(gz, full);
    const a = reshape(lhs, xs), b = reshape(rhs, ys);
    return [
      needs[0] ? reshape(sumTo(matmul(gm, swapAxes(b, -1, -2)), xs), lhs.shape) : null,
      needs[1] ? reshape(sumTo(matmul(swapAxes(a, -1, -2), gm), ys), rhs.shape) : null,
      bias && needs[2] ? sumTo(gm, bias.shape) : null,
    ];
  });
}

/**
 * The kernel view of an operand broadcast to `target` ([...batch, rows, cols]). A vector becomes a
 * one-row matrix on the left or a one-column matrix on the right, its added dimension given
 * stride 0, so no reshaped tensor is made (and left to free).
 */
function operandInfo(t: Tensor, side: "left" | "right", target: number[]): TensorInfo {
  if (t.rank > 1) return broadcastInfo("matmul", t, target);
  const vectorAxis = target.length - (side === "left" ? 1 : 2);
  const strides = target.map((_, i) => i === vectorAxis ? t.strides[0] : 0);
  return { storage: t.storage, shape: target, strides, offset: t.offset, dtype: t.dtype };
}
