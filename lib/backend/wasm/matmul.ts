/**
 * The `matmul` kernel on the WASM GEMM: each operand view whose matrices are row-major or
 * transposed (unit stride along one of the two inner dimensions, any row stride, any batch stride
 * including 0) is read in place, as gemm's leading dimension and transpose flag. Only a view strided
 * in both inner dimensions is first gathered into a temporary heap block. float64 runs the
 * reference kernel. An epilogue (bias, activation) is the reference's second pass over the product:
 * it costs M·N against the GEMM's M·N·K.
 *
 * @module
 */

import type { Epilogue, KernelOutput, Kernels, TensorInfo } from "../contract.ts";
import { matmul as referenceMatmul } from "../cpu/matmul.ts";
import {
  allocUninitialized,
  contiguousValues,
  cpuBackend,
  type CpuStorage,
  outputOf,
  viewAddress,
} from "../cpu/storage.ts";
import { allContiguousFloat32, withContiguous } from "./contiguous.ts";
import { gemmBatch } from "./gemm.ts";
import { runTasks } from "./pool.ts";

/** One operand as gemm reads it. */
interface Operand {
  /** Byte address of the first matrix. */
  address: number;
  /** Leading dimension of the stored matrices, in elements. */
  ld: number;
  /** Whether gemm must read the stored matrices transposed. */
  trans: boolean;
  /** Elements from one matrix to the next. */
  batchStride: number;
  /** A gathered copy to free after the product, if the view had to be copied. */
  copy?: KernelOutput;
}

/**
 * How gemm reads `x` ([B, rows, cols], to be used transposed when `transposed`): in place when one
 * inner dimension has unit stride (or length 1), else from a gathered row-major copy.
 */
function operand(x: TensorInfo, transposed: boolean): Operand {
  const [, rows, cols] = x.shape;
  const [batchStride, rowStride, colStride] = x.strides;
  const address = viewAddress(x);
  if (batchStride >= 0 && rowStride >= 0 && colStride >= 0) {
    if (colStride === 1 || cols <= 1) {
      return { address, ld: rowStride, trans: transposed, batchStride };
    }
    if (rowStride === 1 || rows <= 1) {
      return { address, ld: colStride, trans: !transposed, batchStride };
    }
  }
  const copy = outputOf(contiguousValues(x), x.shape, x.dtype);
  const at = (copy.storage as CpuStorage).address;
  return { address: at, ld: cols, trans: transposed, batchStride: rows * cols, copy };
}

/** [B, M, K] × [B, K, N] → [B, M, N], then the epilogue if any; see the contract. */
export function matmul(
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  epilogue?: Epilogue,
): KernelOutput {
  if (a.dtype !== "float32" || b.dtype !== "float32") {
    return referenceMatmul(a, b, transposeA, transposeB, epilogue);
  }
  const [batch, aRows, aCols] = a.shape;
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? b.shape[1] : b.shape[2];
  const { out, values } = allocUninitialized([batch, m, n], "float32");
  const x = operand(a, transposeA), y = operand(b, transposeB);
  try {
    gemmBatch({
      a: x.address,
      b: y.address,
      c: values.byteOffset,
      m,
      n,
      k,
      lda: x.ld,
      ldb: y.ld,
      ldc: n,
      transA: x.trans,
      transB: y.trans,
      accumulate: false,
    }, { count: batch, a: x.batchStride, b: y.batchStride, c: m * n });
  } finally {
    for (const o of [x, y]) if (o.copy) cpuBackend.free(o.copy.storage);
  }
  if (epilogue) biasRows(values.byteOffset, batch * m, n, epilogue);
  return out;
}

/** The epilogue in one SIMD pass over the `rows` rows of `n` floats at `y`. */
function biasRows(y: number, rows: number, n: number, epilogue: Epilogue): void {
  const { bias, activation } = epilogue;
  if (bias && !allContiguousFloat32(bias)) {
    withContiguous([bias], ([b]) => biasRows(y, rows, n, { bias: b, activation }));
    return;
  }
  const task = [y, bias ? viewAddress(bias) : 0, bias ? 1 : 0, +(activation === "relu"), n];
  runTasks("gemm", "bias_rows_f32", [[...task, 0, rows]]);
}

/** The kernels of this module. */
export const matmulKernels: Partial<Kernels> = { matmul };
