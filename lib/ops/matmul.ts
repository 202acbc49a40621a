/**
 * Matrix multiplication with NumPy semantics: batched over leading dimensions, which broadcast.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import type { TensorInfo } from "../backend/contract.ts";
import { runKernel } from "../backend/registry.ts";
import { broadcastShapes, formatShape, sizeOf } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { asTensor, fromKernel, requireFloat, type TensorLike } from "./convert.ts";
import { broadcastInfo, reshape, sumTo, swapAxes } from "./view.ts";
import { promoteTypes } from "../tensor/dtype.ts";
import { cast } from "./cast.ts";

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
  const copy = reshape(fromKernel(runKernel("copy", info)), [batch, rows, cols]);
  return { view: copy, transposed: false, copy };
}

/**
 * a @ b. Both need at least one dimension; a 1-D operand is a vector (a row on the left, a column on
 * the right) and its dimension is dropped from the result, as in NumPy.
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  let x = asTensor("matmul", a), y = asTensor("matmul", b);
  requireFloat("matmul", x);
  requireFloat("matmul", y);
  if (x.rank === 0 || y.rank === 0) {
    throw new Error(
      `matmul: operands need at least one dimension, got ${formatShape(x.shape)} and ${
        formatShape(y.shape)
      }`,
    );
  }
  const dtype = promoteTypes(x.dtype, y.dtype);
  x = cast(x, dtype);
  y = cast(y, dtype);
  if (x.rank === 1 || y.rank === 1) {
    // Promote vectors to matrices, multiply, then drop the dimensions they added.
    const r = matmul(
      x.rank === 1 ? reshape(x, [1, x.shape[0]]) : x,
      y.rank === 1 ? reshape(y, [y.shape[0], 1]) : y,
    );
    const added = (i: number) =>
      (x.rank === 1 && i === r.rank - 2) || (y.rank === 1 && i === r.rank - 1);
    return reshape(r, r.shape.filter((_, i) => !added(i)));
  }
  const [m, k] = x.shape.slice(-2);
  const [k2, n] = y.shape.slice(-2);
  if (k !== k2) {
    throw new Error(
      `matmul: inner dimensions differ: ${formatShape(x.shape)} @ ${formatShape(y.shape)} ` +
        `(${k} columns vs ${k2} rows)`,
    );
  }
  const batch = broadcastShapes("matmul", x.shape.slice(0, -2), y.shape.slice(0, -2));
  const av = matrixOperand(broadcastInfo("matmul", x, [...batch, m, k]));
  const bv = matrixOperand(broadcastInfo("matmul", y, [...batch, k, n]));
  const product = fromKernel(runKernel("matmul", av.view, bv.view, av.transposed, bv.transposed));
  av.copy?.dispose();
  bv.copy?.dispose();
  const out = reshape(product, [...batch, m, n]);
  const lhs = x, rhs = y;
  return record("matmul", [lhs, rhs], out, (g, needs) => [
    needs[0] ? sumTo(matmul(g, swapAxes(rhs, -1, -2)), lhs.shape) : null,
    needs[1] ? sumTo(matmul(swapAxes(lhs, -1, -2), g), rhs.shape) : null,
  ]);
}
