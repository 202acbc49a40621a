/**
 * Single-precision GEMM on the heap, for the matmul and convolution kernels.
 *
 * The WASM kernel (`assembly/gemm.ts`) is BLIS-style: per slice of KC = 256 along K it packs up to
 * NC = 1024 columns of B into KC×8 panels and up to MC = 72 rows of A into 6×KC panels, in the
 * micro-kernel's reading order (which also absorbs transposed operands), and a 6×8 register-blocked
 * micro-kernel keeps 12 f32x4 accumulators in registers (15 of the 16 x86 SIMD registers V8 gives
 * WASM, with the two B vectors and the broadcast A value). A 6×KC and a KC×8 panel together fill
 * 14 KiB of L1; the packed B block (1 MiB) stays in L2.
 *
 * Threads split C into one block of rows (or of columns, when C is wider than tall) per thread: each
 * task then packs only its own rows of A but all of B, so fewer, larger tasks waste less packing
 * than many small ones. Products under {@link PARALLEL_MACS} multiply-adds run as one task on the
 * calling thread, so a loop of small products pays no synchronisation.
 *
 * @module
 */

import { heap } from "./heap.ts";
import { activeThreads, runTasks } from "./pool.ts";
import { MAX_TASKS } from "./protocol.ts";

/** Blocking constants of `assembly/gemm.ts`, to size its scratch block. */
const MR = 6, NR = 8, KC = 256, MC = 72, NC = 1024;
/**
 * Below this many multiply-adds a product runs on the calling thread alone: waking a sleeping
 * worker takes about 20 µs, and one thread does 2M multiply-adds in about 100 µs (measured: 128³
 * takes as long on one thread as on two).
 */
const PARALLEL_MACS = 1 << 21;

/**
 * C = A·B (+ C when accumulate) for float32 matrices in the heap. Addresses are byte addresses;
 * leading dimensions are in elements. A is M×K row-major with row stride lda (or, when transA,
 * stored K×M with row stride lda); B is K×N with row stride ldb (or, when transB, stored N×K). C is
 * M×N with row stride ldc.
 */
export interface GemmArgs {
  /** Byte address of A. */
  a: number;
  /** Byte address of B. */
  b: number;
  /** Byte address of C. */
  c: number;
  /** Rows of C and of A. */
  m: number;
  /** Columns of C and of B. */
  n: number;
  /** Columns of A, rows of B. */
  k: number;
  /** Row stride of A's storage, in elements. */
  lda: number;
  /** Row stride of B's storage, in elements. */
  ldb: number;
  /** Row stride of C, in elements. */
  ldc: number;
  /** A is stored K×M. */
  transA: boolean;
  /** B is stored N×K. */
  transB: boolean;
  /** Add the product to C instead of overwriting it. */
  accumulate: boolean;
}

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

/** Bytes of scratch the WASM kernel needs for an m × n block of C over depth k (whole lines). */
function scratchBytes(m: number, n: number, k: number): number {
  const kc = Math.min(k, KC);
  const floats = kc * roundUp(Math.min(n, NC), NR) + roundUp(Math.min(m, MC), MR) * kc + MR * NR;
  return roundUp(floats * 4, 64);
}

/** Cuts `[0, total)` into `pieces` ranges whose starts are multiples of `align`. */
function split(total: number, pieces: number, align: number): [number, number][] {
  const size = roundUp(Math.ceil(total / pieces), align);
  const out: [number, number][] = [];
  for (let s = 0; s < total; s += size) out.push([s, Math.min(total, s + size)]);
  return out;
}

/**
 * C = A·B (+ C when `accumulate`), any sizes including 0; see {@link GemmArgs}. Large products are
 * split across the worker pool by blocks of C.
 */
export function gemm(args: GemmArgs): void {
  gemmBatch(args, { count: 1, a: 0, b: 0, c: 0 });
}

/** Strides between the products of a batch, in elements; 0 reuses one operand for every product. */
export interface BatchStrides {
  /** Products in the batch. */
  count: number;
  /** Elements from one A to the next. */
  a: number;
  /** Elements from one B to the next. */
  b: number;
  /** Elements from one C to the next. */
  c: number;
}

/**
 * `batch.count` products of the shape `args` describes, product t reading A and B and writing C at
 * t times their batch strides; C blocks of different products must not overlap. A batch of many
 * products is split across threads by products, a short batch of large ones by blocks of each C.
 */
export function gemmBatch(args: GemmArgs, batch: BatchStrides): void {
  const { a, b, c, m, n, k, lda, ldb, ldc, transA, transB, accumulate } = args;
  const { count } = batch;
  if (m === 0 || n === 0 || count === 0) return;
  const flags = (transA ? 1 : 0) | (transB ? 2 : 0) | (accumulate ? 4 : 0);
  const threads = activeThreads();
  // Each task's [rowStart, rowEnd, colStart, colEnd] of C, and the products it covers at a time.
  let blocks: [number, number, number, number][] = [[0, m, 0, n]];
  let perTask = count;
  if (threads > 1 && m * n * k * count >= PARALLEL_MACS) {
    const even = count % threads === 0 || count >= 4 * threads;
    if (even || count * threads > MAX_TASKS) perTask = Math.ceil(count / threads);
    else {
      perTask = 1;
      blocks = m >= n
        ? split(m, threads, MR).map(([s, e]) => [s, e, 0, n])
        : split(n, threads, NR).map(([s, e]) => [0, m, s, e]);
    }
  }
  const sizes = blocks.map(([i0, i1, j0, j1]) => scratchBytes(i1 - i0, j1 - j0, k));
  const total = sizes.reduce((x, y) => x + y, 0) * Math.ceil(count / perTask);
  const scratch = heap.alloc(total);
  const tasks: number[][] = [];
  let at = scratch;
  for (let t = 0; t < count; t += perTask) {
    blocks.forEach(([i0, i1, j0, j1], index) => {
      tasks.push([
        a + (t * batch.a + (transA ? i0 : i0 * lda)) * 4,
        b + (t * batch.b + (transB ? j0 * ldb : j0)) * 4,
        c + (t * batch.c + i0 * ldc + j0) * 4,
        i1 - i0,
        j1 - j0,
        k,
        lda,
        ldb,
        ldc,
        flags,
        at,
        Math.min(perTask, count - t),
        batch.a,
        batch.b,
        batch.c,
      ]);
      at += sizes[index];
    });
  }
  try {
    runTasks("gemm", "gemm", tasks);
  } finally {
    heap.free(scratch, total);
  }
}
