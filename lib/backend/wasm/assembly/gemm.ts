// AssemblyScript: single-precision GEMM, C = A·B (+ C), on one block of C (for a run of batched
// products) per call, that is per task.
//
// Blocking (BLIS-style; constants mirrored in ../gemm.ts, which sizes the scratch block):
// - K is cut into slices of KC = 256, so a packed MR×KC panel of A (6 KiB) and a packed KC×NR panel
//   of B (8 KiB) sit in L1 together while the micro-kernel streams through them.
// - For each K slice, up to NC = 1024 columns of B are packed into KC×NR panels (1 MiB, in L2),
//   then up to MC = 72 rows of A into MR×KC panels (72 KiB); the micro-kernel then sweeps every
//   (row panel, column panel) pair of that block.
// - The micro-kernel computes an MR×NR = 6×8 tile of C in 12 f32x4 accumulators: with the two B
//   vectors and one broadcast A value that is 15 of the 16 SIMD registers x86 gives WASM, so V8
//   keeps them all in registers. Each K step does 2 vector loads, 6 broadcast loads and 12
//   multiply-adds.
// Packing copies the operands into the micro-kernel's reading order, so transposed operands cost
// nothing extra, and pads edge panels with zeros; edge tiles go through a small tile buffer so only
// the valid part of C is written.

/** Rows of the micro-tile. */
const MR = 6;
/** Columns of the micro-tile (two f32x4 vectors). */
const NR = 8;
/** Depth of a K slice. */
const KC = 256;
/** Rows of A packed per block (a multiple of MR). */
const MC = 72;
/** Columns of B packed per block (a multiple of NR). */
const NC = 1024;

/** Flag bits of `gemm`'s `flags` argument. */
const TRANS_A = 1, TRANS_B = 2, ACCUMULATE = 4;

function madd(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f32x4.relaxed_madd(a, b, c) : f32x4.add(f32x4.mul(a, b), c);
}

function min(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

function roundUp(x: i32, to: i32): i32 {
  return (x + to - 1) / to * to;
}

/**
 * Packs B(pc.., jc..) (kc × nc) into NR-column panels: panel q holds rows p = 0..kc of columns
 * q·NR..q·NR+NR, NR floats per row, zero-padded past nc. `b` points at B(0, 0).
 */
function packB(
  dst: usize,
  b: usize,
  pc: i32,
  jc: i32,
  kc: i32,
  nc: i32,
  ldb: i32,
  transB: bool,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const panel = dst + (<usize> (jr * kc) << 2);
    const j0 = jc + jr;
    if (!transB && nr == NR) {
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize> ((pc + p) * ldb + j0) << 2);
        const to = panel + (<usize> (p * NR) << 2);
        v128.store(to, v128.load(src));
        v128.store(to, v128.load(src, 16), 16);
      }
    } else if (!transB) {
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize> ((pc + p) * ldb + j0) << 2);
        const to = panel + (<usize> (p * NR) << 2);
        for (let j = 0; j < NR; j++) {
          store<f32>(to + (<usize> j << 2), j < nr ? load<f32>(src + (<usize> j << 2)) : 0);
        }
      }
    } else {
      // B is stored N×K: column j of B is a contiguous row of storage.
      for (let j = 0; j < NR; j++) {
        const to = panel + (<usize> j << 2);
        if (j < nr) {
          const src = b + (<usize> ((j0 + j) * ldb + pc) << 2);
          for (let p = 0; p < kc; p++) {
            store<f32>(to + (<usize> (p * NR) << 2), load<f32>(src + (<usize> p << 2)));
          }
        } else {
          for (let p = 0; p < kc; p++) store<f32>(to + (<usize> (p * NR) << 2), 0);
        }
      }
    }
  }
}

/**
 * Packs A(ic.., pc..) (mc × kc) into MR-row panels: panel q holds, for p = 0..kc, rows
 * q·MR..q·MR+MR of column p, zero-padded past mc. `a` points at A(0, 0).
 */
function packA(
  dst: usize,
  a: usize,
  ic: i32,
  pc: i32,
  mc: i32,
  kc: i32,
  lda: i32,
  transA: bool,
): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const panel = dst + (<usize> (ir * kc) << 2);
    const i0 = ic + ir;
    if (transA) {
      // A is stored K×M: for fixed p the MR rows are contiguous in storage.
      for (let p = 0; p < kc; p++) {
        const src = a + (<usize> ((pc + p) * lda + i0) << 2);
        const to = panel + (<usize> (p * MR) << 2);
        for (let r = 0; r < MR; r++) {
          store<f32>(to + (<usize> r << 2), r < mr ? load<f32>(src + (<usize> r << 2)) : 0);
        }
      }
    } else {
      for (let r = 0; r < MR; r++) {
        const to = panel + (<usize> r << 2);
        if (r < mr) {
          const src = a + (<usize> ((i0 + r) * lda + pc) << 2);
          for (let p = 0; p < kc; p++) {
            store<f32>(to + (<usize> (p * MR) << 2), load<f32>(src + (<usize> p << 2)));
          }
        } else {
          for (let p = 0; p < kc; p++) store<f32>(to + (<usize> (p * MR) << 2), 0);
        }
      }
    }
  }
}

/** Stores (or adds, unless `first`) one f32x4 of a C tile row. */
function put(at: usize, v: v128, first: bool): void {
  v128.store(at, first ? v : f32x4.add(v128.load(at), v));
}

/**
 * The MR×NR micro-kernel: C tile (mr × nr valid of MR × NR) = packed A panel · packed B panel over
 * kc steps, stored (`first`) or added into C. `ldc` is in bytes; `tile` is MR·NR floats of scratch.
 */
function kernel(
  ap: usize,
  bp: usize,
  kc: i32,
  c: usize,
  ldc: usize,
  mr: i32,
  nr: i32,
  first: bool,
  tile: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let x = v128.load32_splat(ap);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(ap, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(ap, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(ap, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    x = v128.load32_splat(ap, 16);
    c40 = madd(x, b0, c40);
    c41 = madd(x, b1, c41);
    x = v128.load32_splat(ap, 20);
    c50 = madd(x, b0, c50);
    c51 = madd(x, b1, c51);
    ap += MR << 2;
    bp += NR << 2;
  }
  if (mr == MR && nr == NR) {
    put(c, c00, first);
    put(c + 16, c01, first);
    put(c + ldc, c10, first);
    put(c + ldc + 16, c11, first);
    put(c + 2 * ldc, c20, first);
    put(c + 2 * ldc + 16, c21, first);
    put(c + 3 * ldc, c30, first);
    put(c + 3 * ldc + 16, c31, first);
    put(c + 4 * ldc, c40, first);
    put(c + 4 * ldc + 16, c41, first);
    put(c + 5 * ldc, c50, first);
    put(c + 5 * ldc + 16, c51, first);
    return;
  }
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  v128.store(tile, c40, 128);
  v128.store(tile, c41, 144);
  v128.store(tile, c50, 160);
  v128.store(tile, c51, 176);
  for (let r = 0; r < mr; r++) {
    const row = c + <usize> r * ldc, from = tile + (<usize> (r * NR) << 2);
    for (let j = 0; j < nr; j++) {
      const at = row + (<usize> j << 2);
      const v = load<f32>(from + (<usize> j << 2));
      store<f32>(at, first ? v : load<f32>(at) + v);
    }
  }
}

/**
 * C (m × n, row stride `ldc`) = A·B, plus C when `flags & 4`. A is m × k with row stride `lda`, or
 * stored k × m when `flags & 1`; B is k × n with row stride `ldb`, or stored n × k when `flags & 2`.
 * Addresses are bytes, strides elements. `scratch` holds the packed blocks:
 * min(k, KC)·roundUp(min(n, NC), NR) floats of B, then roundUp(min(m, MC), MR)·min(k, KC) of A,
 * then MR·NR for the edge tile.
 */
function product(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  n: i32,
  k: i32,
  lda: i32,
  ldb: i32,
  ldc: i32,
  flags: i32,
  scratch: usize,
): void {
  const transA = (flags & TRANS_A) != 0, transB = (flags & TRANS_B) != 0;
  const accumulate = (flags & ACCUMULATE) != 0;
  const ldcBytes = <usize> ldc << 2;
  if (k == 0) {
    if (!accumulate) {
      for (let i = 0; i < m; i++) memory.fill(c + <usize> i * ldcBytes, 0, <usize> n << 2);
    }
    return;
  }
  const kcMax = min(k, KC);
  const bp = scratch;
  const ap = bp + (<usize> (kcMax * roundUp(min(n, NC), NR)) << 2);
  const tile = ap + (<usize> (roundUp(min(m, MC), MR) * kcMax) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const first = pc == 0 && !accumulate;
      packB(bp, b, pc, jc, kc, nc, ldb, transB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(ap, a, ic, pc, mc, kc, lda, transA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bPanel = bp + (<usize> (jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const at = c + <usize> (ic + ir) * ldcBytes + (<usize> (jc + jr) << 2);
            const aPanel = ap + (<usize> (ir * kc) << 2);
            kernel(aPanel, bPanel, kc, at, ldcBytes, min(MR, mc - ir), nr, first, tile);
          }
        }
      }
    }
  }
}

/**
 * `count` products (see `product` above for the arguments): product t reads A at `a` + t·`strideA`
 * elements and B at `b` + t·`strideB`, and writes C at `c` + t·`strideC`; a stride of 0 reuses an
 * operand. All products share one scratch block.
 */
export function gemm(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  n: i32,
  k: i32,
  lda: i32,
  ldb: i32,
  ldc: i32,
  flags: i32,
  scratch: usize,
  count: i32,
  strideA: i32,
  strideB: i32,
  strideC: i32,
): void {
  for (let t = 0; t < count; t++) {
    const at = <usize> t;
    product(
      a + (at * <usize> strideA << 2),
      b + (at * <usize> strideB << 2),
      c + (at * <usize> strideC << 2),
      m,
      n,
      k,
      lda,
      ldb,
      ldc,
      flags,
      scratch,
    );
  }
}

/**
 * The matmul epilogue, in place on rows `[r0, r1)` of `y` (`n` floats each): adds `bias[j]` to
 * column j when `hasBias` is 1, then ReLU when `relu` is 1, as `v < 0 ? 0 : v` so that NaN passes
 * through like in the relu kernel.
 */
export function bias_rows_f32(
  y: usize,
  bias: usize,
  hasBias: i32,
  relu: i32,
  n: i32,
  r0: i32,
  r1: i32,
): void {
  const zero4 = f32x4.splat(0);
  for (let r = r0; r < r1; r++) {
    const row = y + (<usize> r * <usize> n << 2);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const at = row + (<usize> j << 2);
      let v = v128.load(at);
      if (hasBias) v = f32x4.add(v, v128.load(bias + (<usize> j << 2)));
      if (relu) v = v128.andnot(v, f32x4.lt(v, zero4));
      v128.store(at, v);
    }
    for (; j < n; j++) {
      const at = row + (<usize> j << 2);
      let v = load<f32>(at);
      if (hasBias) v += load<f32>(bias + (<usize> j << 2));
      store<f32>(at, relu && v < 0 ? 0 : v);
    }
  }
}
