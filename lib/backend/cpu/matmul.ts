/**
 * Batched matrix product, the reference for every faster GEMM.
 *
 * @module
 */

import type { Epilogue, KernelOutput, TensorInfo } from "../contract.ts";
import type { TypedArray } from "../../tensor/dtype.ts";
import { allocArray } from "../../tensor/dtype.ts";
import { applyEpilogue } from "./epilogue.ts";
import { allocOutput, valuesOf } from "./storage.ts";

/** Rows of the output computed together, so each loaded element of `b` serves four rows. */
const ROWS = 4;

/**
 * [B, M, K] × [B, K, N] → [B, M, N], reading `a` through its strides, so transposed and
 * batch-broadcast (stride 0) views need no copy. Loop order i, p, j keeps the innermost loop walking
 * a row of `b` and rows of the output; a `b` whose rows are not contiguous (a transposed view) is
 * first copied into a row-major panel, which costs K·N against the M·K·N of the product. The
 * epilogue, if any, is a second pass over the product.
 */
export function matmul(
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  epilogue?: Epilogue,
): KernelOutput {
  const [batch, aRows, aCols] = a.shape;
  const [, bRows, bCols] = b.shape;
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  // Strides of A(i, p) and B(p, j) in storage, whatever the layout.
  const [aBatch, aS1, aS2] = a.strides;
  const [bBatch, bS1, bS2] = b.strides;
  const aI = transposeA ? aS2 : aS1, aP = transposeA ? aS1 : aS2;
  const bP = transposeB ? bS2 : bS1, bJ = transposeB ? bS1 : bS2;
  const av = valuesOf(a), bv = valuesOf(b);
  const { out, values } = allocOutput([batch, m, n], a.dtype);
  const panel = bJ === 1 ? null : allocArray(b.dtype, k * n);
  for (let t = 0; t < batch; t++) {
    const aBase = a.offset + t * aBatch;
    let rows: TypedArray = bv, bBase = b.offset + t * bBatch, rowStride = bP;
    if (panel) {
      for (let p = 0; p < k; p++) {
        for (let j = 0; j < n; j++) panel[p * n + j] = bv[bBase + p * bP + j * bJ];
      }
      rows = panel, bBase = 0, rowStride = n;
    }
    const oBase = t * m * n;
    let i = 0;
    for (; i + ROWS <= m; i += ROWS) {
      const o0 = oBase + i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
      const a0 = aBase + i * aI, a1 = a0 + aI, a2 = a1 + aI, a3 = a2 + aI;
      for (let p = 0; p < k; p++) {
        const x0 = av[a0 + p * aP], x1 = av[a1 + p * aP];
        const x2 = av[a2 + p * aP], x3 = av[a3 + p * aP];
        const r = bBase + p * rowStride;
        for (let j = 0; j < n; j++) {
          const y = rows[r + j];
          values[o0 + j] += x0 * y;
          values[o1 + j] += x1 * y;
          values[o2 + j] += x2 * y;
          values[o3 + j] += x3 * y;
        }
      }
    }
    for (; i < m; i++) {
      const o = oBase + i * n, ai = aBase + i * aI;
      for (let p = 0; p < k; p++) {
        const x = av[ai + p * aP];
        const r = bBase + p * rowStride;
        for (let j = 0; j < n; j++) values[o + j] += x * rows[r + j];
      }
    }
  }
  if (epilogue) applyEpilogue(values, n, 1, epilogue);
  return out;
}
