/**
 * Batched matrix product on the `webgpu` backend, and the register-tiled GEMM skeleton that the
 * convolutions (`conv.ts`) reuse as implicit GEMMs.
 *
 * The skeleton: a workgroup of 16×16 threads computes a 64×64 tile of C; each thread owns a 4×4
 * block of it (rows `ty + 16r`, columns `tx + 16c`, so neighbouring threads store neighbouring
 * columns). A and B advance through K in slabs of 16 staged in workgroup memory (2 × 4 KiB), each
 * thread loading 4 elements of each slab: as one vec4 where the operand's layout allows, else one
 * at a time. A slab that lies wholly inside M×N×K loads without bounds checks; edge slabs check each
 * element (or quad) and fill zeros, so the tail of K adds nothing.
 *
 * Operands are never copied: a kernel supplies WGSL loaders `loadA(batch, row, k)`,
 * `loadB(batch, k, col)` and a `store(batch, row, col, v)`, and the matmul's loaders read A and B in
 * place through their strides (transposes, slices and stride-0 batches included). The matmul's store
 * is also its epilogue: it adds the bias and applies the activation, so `linear` with its ReLU is
 * one dispatch.
 *
 * @module
 */

import type { Epilogue, KernelOutput, Kernels, TensorInfo } from "../contract.ts";
import { WGSL_RELU_F32 } from "./prelude.ts";
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

/** Which operands a GEMM's code loads four elements at a time (see {@link gemmShader}). */
export interface GemmLoads {
  /** A comes through `loadA4`. */
  readonly a: boolean;
  /** B comes through `loadB4`. */
  readonly b: boolean;
}

/** Scalar loads for both operands: what any view allows. */
const SCALAR_LOADS: GemmLoads = { a: false, b: false };

/**
 * WGSL that stages one operand's slab into its workgroup tile; `s` is an element's (row or
 * column, k) in the slab.
 *
 * Scalar: each thread loads 4 elements, one at a time. Quad: each thread loads one vec4 of four
 * elements consecutive along the operand's contiguous axis; the host picks it only when that axis's
 * extent is a multiple of 4, so a quad is wholly inside the bounds or wholly outside.
 */
function stageSlab(operand: "A" | "B", quad: boolean): string {
  const [x0, end, alongK] = operand === "A" ? ["row0", "M", "aAlongK"] : ["col0", "N", "bAlongK"];
  const at = operand === "A" ? `${x0} + s.x, k0 + s.y` : `k0 + s.y, ${x0} + s.x`;
  const load = `load${operand}${quad ? "4" : ""}(batch, ${at})`;
  const inBounds = `inside || (${x0} + s.x < ${end} && k0 + s.y < K)`;
  if (!quad) {
    return `
    for (var r = 0u; r < ${(DEPTH * TILE) / THREADS}u; r++) {
      let s = slabIndex(tid + r * ${THREADS}u, ${alongK});
      var v = 0.0;
      if (${inBounds}) { v = ${load}; }
      tile${operand}[s.y * ${TILE}u + s.x] = v;
    }`;
  }
  return `
    {
      let s = quadIndex(tid, ${alongK});
      var v = vec4<f32>();
      if (${inBounds}) { v = ${load}; }
      // Element c lies c steps along k, or along rows (columns), from the quad's first.
      let step = select(1u, ${TILE}u, ${alongK});
      for (var c = 0u; c < 4u; c++) { tile${operand}[s.y * ${TILE}u + s.x + c * step] = v[c]; }
    }`;
}

/**
 * The compute shader of a tiled GEMM over `code`: storage bindings (from 1) and the functions
 * `loadA(batch, row, k) -> f32`, `loadB(batch, k, col) -> f32` and `store(batch, row, col, v: f32)`,
 * which the skeleton calls only with row < M, col < N and k < K.
 *
 * With `loads.a`, the code provides `loadA4(batch, row, k) -> vec4<f32>` instead of `loadA`: the
 * element at (row, k) and the three after it along A's contiguous axis, which must be the axis its
 * slab loads step along (`aAlongK`) and a multiple of 4 long; likewise `loads.b` and
 * `loadB4(batch, k, col)`. A thread then issues one wide load per operand and slab instead of four.
 * The binding's element type differs, so these are compiled variants.
 *
 * Threads load a slab stepping along the operand's contiguous axis, so that a warp's loads
 * coalesce. That order is a uniform parameter word rather than a compiled variant: on llvmpipe
 * each variant of this shader takes seconds to compile.
 */
export function gemmShader(code: string, loads: GemmLoads = SCALAR_LOADS): string {
  const slabA = stageSlab("A", loads.a), slabB = stageSlab("B", loads.b);
  return `${code}
var<workgroup> tileA: array<f32, ${DEPTH * TILE}>; // [k][row]
var<workgroup> tileB: array<f32, ${DEPTH * TILE}>; // [k][col]

// (row or column, k) of element e of a ${TILE} × ${DEPTH} slab, e stepping along k or across it.
fn slabIndex(e: u32, alongK: bool) -> vec2u {
  return select(vec2u(e % ${TILE}u, e / ${TILE}u), vec2u(e / ${DEPTH}u, e % ${DEPTH}u), alongK);
}

// (row or column, k) of the first element of quad q of a ${TILE} × ${DEPTH} slab, whose four
// elements run along k or across it.
fn quadIndex(q: u32, alongK: bool) -> vec2u {
  return select(
    vec2u(4u * (q % ${TILE / 4}u), q / ${TILE / 4}u),
    vec2u(q / ${DEPTH / 4}u, 4u * (q % ${DEPTH / 4}u)),
    alongK,
  );
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
    let inside = insideMN && k0 + ${DEPTH}u <= K;${slabA}${slabB}
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

/** Element index of A(t, i, p) and of B(t, p, j) from their parameter words. */
const MATMUL_A_AT = "word(8u) + t * word(9u) + i * word(10u) + p * word(11u)";
const MATMUL_B_AT = "word(12u) + t * word(13u) + p * word(14u) + j * word(15u)";

/** WGSL of a matmul operand's binding and loader: one f32, or (quad) one vec4 of four. */
function operandCode(name: "a" | "b", binding: number, quad: boolean, args: string, at: string) {
  const loader = `load${name.toUpperCase()}${quad ? "4" : ""}`;
  // A quad's first element index is a multiple of 4 (see quadLoads): divided by 4, it is a vec4's.
  return quad
    ? `@group(0) @binding(${binding}) var<storage, read> ${name}: array<vec4<f32>>;
fn ${loader}(${args}) -> vec4<f32> { return ${name}[(${at}) / 4u]; }`
    : `@group(0) @binding(${binding}) var<storage, read> ${name}: array<f32>;
fn ${loader}(${args}) -> f32 { return ${name}[${at}]; }`;
}

/**
 * The matmul shader for one choice of loads. Words 8… hold A's offset and batch, row, k strides,
 * then B's offset and strides, then the epilogue: the bias's offset and stride and a flag word
 * (bit 0: add the bias, bit 1: relu).
 *
 * The epilogue is uniform words rather than compiled variants, because each variant costs another
 * compile of the whole GEMM (seconds each on llvmpipe) for a few instructions per stored element. A
 * product without a bias binds A's buffer in the bias's place (read-only bindings may alias), and
 * the flag keeps it unread.
 */
function matmulShader(loads: GemmLoads): string {
  return gemmShader(
    `${operandCode("a", 1, loads.a, "t: u32, i: u32, p: u32", MATMUL_A_AT)}
${operandCode("b", 2, loads.b, "t: u32, p: u32, j: u32", MATMUL_B_AT)}
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
${WGSL_RELU_F32}
fn store(t: u32, i: u32, j: u32, product: f32) {
  var v = product;
  let flags = word(18u);
  if ((flags & 1u) != 0u) { v += bias[word(16u) + j * word(17u)]; }
  if ((flags & 2u) != 0u) { v = reluOf(v); }
  y[(t * word(0u) + i) * word(1u) + j] = v;
}
`,
    loads,
  );
}

/** The matmul shaders, by their loads (A quad, B quad): each is built once, and compiled once. */
const shaders = new Map<string, string>();

/** The sizes of a matmul and the strides of A(t, i, p) and B(t, p, j), whatever the layout. */
function geometry(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean) {
  const [batch, aRows, aCols] = a.shape;
  const [, bRows, bCols] = b.shape;
  const [aBatch, aS1, aS2] = a.strides, [bBatch, bS1, bS2] = b.strides;
  return {
    batch,
    m: transposeA ? aCols : aRows,
    k: transposeA ? aRows : aCols,
    n: transposeB ? bRows : bCols,
    aBatch,
    aI: transposeA ? aS2 : aS1,
    aP: transposeA ? aS1 : aS2,
    bBatch,
    bP: transposeB ? bS2 : bS1,
    bJ: transposeB ? bS1 : bS2,
  };
}

/**
 * Whether an operand loads in quads along the axis of stride `along` (extent `extent`), the other
 * matrix axis stepping `across`: the axis must be contiguous and a multiple of 4 long, and every
 * other step a multiple of 4, so that each quad starts at a multiple of 4 (one vec4 of the buffer)
 * and lies wholly inside the matrix or wholly outside it. The batch stride matters only between
 * batches.
 */
function quadAligned(
  offset: number,
  batch: number,
  batchStride: number,
  along: number,
  across: number,
  extent: number,
): boolean {
  const steps = [offset, batch > 1 ? batchStride : 0, across, extent];
  return along === 1 && steps.every((v) => v % 4 === 0);
}

/**
 * The loads the matmul kernel uses for A and B of these kernel arguments: four elements at a time
 * (vec4) where the view is aligned for it, one at a time otherwise. Each quad runs along the axis
 * the skeleton's slab loads step along (k for A when its k stride is 1, columns for B when its
 * column stride is 1), so the choice agrees with the load order.
 */
export function quadLoads(
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): GemmLoads {
  const g = geometry(a, b, transposeA, transposeB);
  return {
    a: g.aP === 1
      ? quadAligned(a.offset, g.batch, g.aBatch, g.aP, g.aI, g.k)
      : quadAligned(a.offset, g.batch, g.aBatch, g.aI, g.aP, g.m),
    b: g.bJ === 1
      ? quadAligned(b.offset, g.batch, g.bBatch, g.bJ, g.bP, g.n)
      : quadAligned(b.offset, g.batch, g.bBatch, g.bP, g.bJ, g.k),
  };
}

/**
 * [B, M, K] × [B, K, N] (either transposed) → [B, M, N], reading both operands in place, and the
 * epilogue applied as each element is stored. Strides travel as u32 words; a negative one wraps,
 * and u32 arithmetic wraps back to the right address.
 */
export function matmul(
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  epilogue?: Epilogue,
): KernelOutput {
  const { batch, m, n, k, aBatch, aI, aP, bBatch, bP, bJ } = geometry(a, b, transposeA, transposeB);
  const out = gpuRuntime().output([batch, m, n], a.dtype, "matmul");
  const loads = quadLoads(a, b, transposeA, transposeB);
  const key = `${+loads.a}${+loads.b}`;
  let shader = shaders.get(key);
  if (!shader) shaders.set(key, shader = matmulShader(loads));
  const bias = epilogue?.bias ?? null;
  const flags = (bias ? 1 : 0) | (epilogue?.activation === "relu" ? 2 : 0);
  const operands = [a.offset, aBatch, aI, aP, b.offset, bBatch, bP, bJ];
  const epilogueWords = [bias?.offset ?? 0, bias?.strides[0] ?? 0, flags];
  const words = [...new Array<number>(GEMM_WORDS).fill(0), ...operands, ...epilogueWords]
    .map((v) => v >>> 0);
  const buffers = [bufferOf(a.storage), bufferOf(b.storage), bufferOf(out.storage)];
  buffers.push(bias ? bufferOf(bias.storage) : buffers[0]);
  runGemm(shader, buffers, words, {
    batches: batch,
    m,
    n,
    k,
    aAlongK: aP === 1,
    bAlongK: bJ !== 1,
  });
  return out;
}

/** The kernels of this module. */
export const matmulKernels: Partial<Kernels> = { matmul };
