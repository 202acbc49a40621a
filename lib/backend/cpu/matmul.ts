/**
 * Batched matrix product, the reference for every faster GEMM.
 *
 * @module
 */

import type { KernelOutput, TensorInfo } from "../contract.ts";
import { allocOutput, valuesOf } from "./storage.ts";

/**
 * [B, M, K] × [B, K, N] → [B, M, N], reading both operands through their strides, so transposed and
 * batch-broadcast (stride 0) views need no copy. Loop order i, p, j keeps the innermost loop walking
 * rows of `b` and of the output.
 */
export function matmul(
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
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
  for (let t = 0; t < batch; t++) {
    const aBase = a.offset + t * aBatch, bBase = b.offset + t * bBatch, oBase = t * m * n;
    for (let i = 0; i < m; i++) {
      const oRow = oBase + i * n;
      for (let p = 0; p < k; p++) {
        const x = av[aBase + i * aI + p * aP];
        const bRow = bBase + p * bP;
        for (let j = 0; j < n; j++) values[oRow + j] += x * bv[bRow + j * bJ];
      }
    }
  }
  return out;
}
