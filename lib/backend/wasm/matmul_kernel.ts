/**
 * A WASM SIMD matmul kernel, C[M, N] = A[M, K] · B[K, N] for row-major float32 matrices in one
 * linear memory, built from TypeScript with `encoder.ts`.
 *
 * Each row of C is computed in strips: 16 columns at a time in four f32x4 accumulators that stay in
 * registers for the whole k loop (so C is written once per strip, and each A element is broadcast
 * once per 16 products), then 4 columns in one accumulator, then single columns. This is the first
 * of issue 5's kernels: it is not yet registered in the backend, and packed panels, relaxed FMA and
 * threads are still to come.
 *
 * @module
 */

import {
  type Code,
  encodeModule,
  F32,
  f32Add,
  f32Load,
  f32Mul,
  f32Store,
  f32x4Add,
  f32x4Mul,
  f32x4Splat,
  f32Zero,
  I32,
  i32Add,
  i32Const,
  i32LeU,
  i32LtU,
  i32Mul,
  localGet,
  localSet,
  localTee,
  V128,
  v128Load,
  v128Store,
  v128Zero,
  whileLoop,
} from "./encoder.ts";

// Parameters: byte addresses of A, B, C, then M, K, N.
const A = 0, B = 1, C = 2, M = 3, K = 4, N = 5;
// Locals: row i, column j, depth k, pointers into A, B and C, and N·4 (a row of B or C in bytes).
const I = 6, J = 7, KK = 8, AP = 9, BP = 10, CP = 11, ROW = 12;
const SCALAR = 13; // f32 accumulator for the last columns
const AV = 14; // the broadcast A element
const ACC = [15, 16, 17, 18]; // f32x4 accumulators

/** `local += step` for an i32 local. */
const bump = (local: number, step: Code): Code => [
  ...localGet(local),
  ...step,
  ...i32Add,
  ...localSet(local),
];

/** Sets AP to the start of A's row i, BP to B's column j, and KK to 0: the start of a strip. */
const startStrip: Code = [
  ...localGet(A),
  ...localGet(I),
  ...localGet(K),
  ...i32Mul,
  ...i32Const(4),
  ...i32Mul,
  ...i32Add,
  ...localSet(AP),
  ...localGet(B),
  ...localGet(J),
  ...i32Const(4),
  ...i32Mul,
  ...i32Add,
  ...localSet(BP),
  ...i32Const(0),
  ...localSet(KK),
];

/** Sets CP to C[i, j]. */
const pointC: Code = [
  ...localGet(C),
  ...localGet(I),
  ...localGet(ROW),
  ...i32Mul,
  ...localGet(J),
  ...i32Const(4),
  ...i32Mul,
  ...i32Add,
  ...i32Add,
  ...localSet(CP),
];

/** One step along k: advance A by one element and B by one row. */
const nextK: Code = [
  ...bump(AP, i32Const(4)),
  ...bump(BP, localGet(ROW)),
  ...bump(KK, i32Const(1)),
];

/** The columns j … j + 4·count of row i, with `count` f32x4 accumulators. */
function vectorStrips(count: number): Code {
  const accs = ACC.slice(0, count);
  return whileLoop(
    [...localGet(J), ...i32Const(4 * count), ...i32Add, ...localGet(N), ...i32LeU],
    [
      ...startStrip,
      ...accs.flatMap((acc) => [...v128Zero, ...localSet(acc)]),
      ...whileLoop([...localGet(KK), ...localGet(K), ...i32LtU], [
        ...localGet(AP),
        ...f32Load(),
        ...f32x4Splat,
        ...localSet(AV),
        ...accs.flatMap((acc, t) => [
          ...localGet(acc),
          ...localGet(AV),
          ...localGet(BP),
          ...v128Load(16 * t),
          ...f32x4Mul,
          ...f32x4Add,
          ...localSet(acc),
        ]),
        ...nextK,
      ]),
      ...pointC,
      ...accs.flatMap((acc, t) => [...localGet(CP), ...localGet(acc), ...v128Store(16 * t)]),
      ...bump(J, i32Const(4 * count)),
    ],
  );
}

/** The last N mod 4 columns of row i, one at a time. */
const scalarStrips: Code = whileLoop([...localGet(J), ...localGet(N), ...i32LtU], [
  ...startStrip,
  ...f32Zero,
  ...localSet(SCALAR),
  ...whileLoop([...localGet(KK), ...localGet(K), ...i32LtU], [
    ...localGet(SCALAR),
    ...localGet(AP),
    ...f32Load(),
    ...localGet(BP),
    ...f32Load(),
    ...f32Mul,
    ...f32Add,
    ...localSet(SCALAR),
    ...nextK,
  ]),
  ...pointC,
  ...localGet(CP),
  ...localGet(SCALAR),
  ...f32Store(),
  ...bump(J, i32Const(1)),
]);

const body: Code = [
  ...localGet(N),
  ...i32Const(4),
  ...i32Mul,
  ...localSet(ROW),
  ...i32Const(0),
  ...localTee(I),
  ...localSet(J),
  ...whileLoop([...localGet(I), ...localGet(M), ...i32LtU], [
    ...i32Const(0),
    ...localSet(J),
    ...vectorStrips(4),
    ...vectorStrips(1),
    ...scalarStrips,
    ...bump(I, i32Const(1)),
  ]),
];

/** The kernel module's bytes: one export, `matmul(a, b, c, m, k, n)`, on the imported memory. */
export const MATMUL_WASM: Uint8Array = encodeModule([{
  name: "matmul",
  params: [I32, I32, I32, I32, I32, I32],
  locals: [I32, I32, I32, I32, I32, I32, I32, F32, V128, V128, V128, V128, V128],
  body,
}]);

/** `matmul(a, b, c, m, k, n)` on byte addresses in `memory`. */
export type MatmulKernel = (
  a: number,
  b: number,
  c: number,
  m: number,
  k: number,
  n: number,
) => void;

/** Instantiates the kernel on `memory` (the memory the matrices live in). */
export function matmulKernel(memory: WebAssembly.Memory): MatmulKernel {
  const module = new WebAssembly.Module(MATMUL_WASM as BufferSource);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports.matmul as MatmulKernel;
}
