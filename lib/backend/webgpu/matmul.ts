/**
 * Batched matrix product on the `webgpu` backend, and the register-tiled GEMM skeleton that the
 * convolutions (`conv.ts`) reuse as implicit GEMMs.
 *
 * The skeleton: a workgroup of 16×16 threads computes a 64×64 tile of C; each thread owns a 4×4
 * block of it (rows `ty + 16r`, columns `tx + 16c`, so neighbouring threads store neighbouring
 * columns). A and B advance through K in slabs of 16 staged in workgroup memory (2 × 4 KiB), each
 * thread loading 4 elements of each slab. A slab that lies wholly inside M×N×K loads without
 * bounds checks; edge slabs check each element and fill zeros, so the tail of K adds nothing.
 *
 * Operands are never copied: a kernel supplies WGSL loaders `loadA(batch, row, k)`,
 * `loadB(batch, k, col)` and a `store(batch, row, col, v)`, and the matmul's loaders read A and B in
 * place through their strides (transposes, slices and stride-0 batches included).
 *
 * @module
 */

import type { KernelOutput, Kernels, TensorInfo } from "../contract.ts";
import { gpuRuntime } from "./runtime.ts";
import { bufferOf } from "./storage.ts";

/** Rows and columns of C per workgroup. */
const TILE = 64;
/** Depth of the K slab staged per step. */
const DEPTH = 16;
/** Threads per workgroup (16 × 16). */
const THREADS = 256;

/**
 * Parameter words the skeleton uses (M, N, K, tile counts, batches, the load orders of A and B);
 * a kernel's own follow.
 */
export const GEMM_WORDS = 8;

/** The shape of a GEMM and the memory order of its operands. */
export interface GemmShape {
  /** Independent products (matmul batches, convolution groups). */
  readonly batches: number;
  /** Rows of A and C. */
  readonly m: number;
  /** Columns of B and C. */
  readonly n: number;
  /** The summed dimension. */
  readonly k: number;
  /** Whether consecutive elements of A in memory run along k (else along rows): for coalescing. */
  readonly aAlongK: boolean;
  /** Whether consecutive elements of B in memory run along k (else along columns). */
  readonly bAlongK: boolean;
}

/**
 * The compute shader of a tiled GEMM over `code`: storage bindings (from 1) and the functions
 * `loadA(batch, row, k) -> f32`, `loadB(batch, k, col) -> f32` and `store(batch, row, col, v: f32)`,
 * which the skeleton calls only with row < M, col < N and k < K.
 *
 * Threads load a slab stepping along the operand's contiguous axis, so that a warp's loads
 * coalesce. That order is a uniform parameter word rather than a compiled variant: on llvmpipe
 * each variant of this shader takes seconds to compile.
 */
export function gemmShader(code: string): string {
  return `${code}
var<workgroup> tileA: array<f32, ${DEPTH * TILE}>; // [k][row]
var<workgroup> tileB: array<f32, ${DEPTH * TILE}>; // [k][col]

// (row or column, k) of element e of a ${TILE} × ${DEPTH} slab, e stepping along k or across it.
fn slabIndex(e: u32, alongK: bool) -> vec2u {
  return select(vec2u(e % ${TILE}u, e / ${TILE}u), vec2u(e / ${DEPTH}u, e % ${DEPTH}u), alongK);
}

@compute @workgroup_size(16, 16)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_id) lid: vec3u,
  @builtin(local_invocation_index) tid: u32,
) {
  let M = word(0u);
  let N = word(1u);
  let K = word(2u);
  let tilesN = word(4u);
  let perBatch = word(3u) * tilesN;
  let w = wid.y * groups.x + wid.x;
  if (w >= perBatch * word(5u)) { return; }
  let batch = w / perBatch;
  let row0 = ((w % perBatch) / tilesN) * ${TILE}u;
  let col0 = ((w % perBatch) % tilesN) * ${TILE}u;
  let insideMN = row0 + ${TILE}u <= M && col0 + ${TILE}u <= N;
  let aAlongK = word(6u) != 0u;
  let bAlongK = word(7u) != 0u;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < K; k0 += ${DEPTH}u) {
    let inside = insideMN && k0 + ${DEPTH}u <= K;
    for (var r = 0u; r < ${(DEPTH * TILE) / THREADS}u; r++) {
      let e = tid + r * ${THREADS}u;
      let ea = slabIndex(e, aAlongK);
      var av = 0.0;
      if (inside || (row0 + ea.x < M && k0 + ea.y < K)) {
        av = loadA(batch, row0 + ea.x, k0 + ea.y);
      }
      tileA[ea.y * ${TILE}u + ea.x] = av;
      let eb = slabIndex(e, bAlongK);
      var bv = 0.0;
      if (inside || (col0 + eb.x < N && k0 + eb.y < K)) {
        bv = loadB(batch, k0 + eb.y, col0 + eb.x);
      }
      tileB[eb.y * ${TILE}u + eb.x] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${DEPTH}u; kk++) {
      let at = kk * ${TILE}u;
      let b = vec4<f32>(
        tileB[at + lid.x], tileB[at + lid.x + 16u], tileB[at + lid.x + 32u], tileB[at + lid.x + 48u],
      );
      for (var r = 0u; r < 4u; r++) { acc[r] += tileA[at + lid.y + 16u * r] * b; }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let row = row0 + lid.y + 16u * r;
    for (var c = 0u; c < 4u; c++) {
      let col = col0 + lid.x + 16u * c;
      if (row < M && col < N) { store(batch, row, col, acc[r][c]); }
    }
  }
}`;
}

/**
 * Records a GEMM. `words` holds the kernel's own parameters from {@link GEMM_WORDS} on; the
 * skeleton's are filled in here.
 */
export function runGemm(
  shader: string,
  buffers: readonly GPUBuffer[],
  words: number[],
  g: GemmShape,
): void {
  const tilesM = Math.ceil(g.m / TILE), tilesN = Math.ceil(g.n / TILE);
  const own = [g.m, g.n, g.k, tilesM, tilesN, g.batches, +g.aAlongK, +g.bAlongK];
  own.forEach((v, i) => words[i] = v);
  gpuRuntime().run(shader, buffers, words, g.batches * tilesM * tilesN * THREADS, THREADS);
}

/** The matmul: words 8… hold A's offset and batch, row, k strides, then B's offset and strides. */
const MATMUL = gemmShader(`
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
fn loadA(t: u32, i: u32, p: u32) -> f32 {
  return a[word(8u) + t * word(9u) + i * word(10u) + p * word(11u)];
}
fn loadB(t: u32, p: u32, j: u32) -> f32 {
  return b[word(12u) + t * word(13u) + p * word(14u) + j * word(15u)];
}
fn store(t: u32, i: u32, j: u32, v: f32) { y[(t * word(0u) + i) * word(1u) + j] = v; }
`);

/**
 * [B, M, K] × [B, K, N] (either transposed) → [B, M, N], reading both operands in place. Strides
 * travel as u32 words; a negative one wraps, and u32 arithmetic wraps back to the right address.
 */
export function matmul(
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): KernelOutput {
  const [batch, aRows, aCols] = a.shape;
  const [, bRows, bCols] = b.shape;
  const m = transposeA ? aCols : aRows, k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  // Strides of A(i, p) and B(p, j), whatever the layout.
  const [aBatch, aS1, aS2] = a.strides, [bBatch, bS1, bS2] = b.strides;
  const aI = transposeA ? aS2 : aS1, aP = transposeA ? aS1 : aS2;
  const bP = transposeB ? bS2 : bS1, bJ = transposeB ? bS1 : bS2;
  const out = gpuRuntime().output([batch, m, n], a.dtype, "matmul");
  const words = new Array<number>(GEMM_WORDS).fill(0);
  words.push(...[a.offset, aBatch, aI, aP, b.offset, bBatch, bP, bJ].map((v) => v >>> 0));
  runGemm(
    MATMUL,
    [bufferOf(a.storage), bufferOf(b.storage), bufferOf(out.storage)],
    words,
    { batches: batch, m, n, k, aAlongK: aP === 1, bAlongK: bJ !== 1 },
  );
  return out;
}

/** The kernels of this module. */
export const matmulKernels: Partial<Kernels> = { matmul };
