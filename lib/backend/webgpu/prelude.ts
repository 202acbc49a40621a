/**
 * WGSL every kernel starts with: the parameter block and the helpers that read it, the linear
 * invocation index of a (possibly 2-D) grid, and strided view addressing.
 *
 * Parameters are 64 u32 words per dispatch (`command_batch.ts`); floats travel as their bits.
 * A view is described by words `[offset, stride₀, …, stride₇]` over an output shape of up to
 * {@link MAX_RANK} dimensions, so any view (transposed, sliced, broadcast with stride 0) is read in
 * place.
 *
 * @module
 */

/** The most dimensions a kernel's view addressing handles (after collapsing). */
export const MAX_RANK = 8;

/**
 * WGSL `isNan` for f32, by the bits: the compilers here fold a test written as `v != v` (and turn
 * a select into `max`). Kernels include it where they need it, not in the prelude, so a kernel
 * written for both dtypes can declare an i32 `isNan` under the same name instead.
 */
export const WGSL_IS_NAN_F32 =
  "fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }";

/**
 * WGSL ReLU for f32 as the reference computes it, `v < 0 ? 0 : v`: NaN passes, and a comparison
 * rather than max() keeps -0. The elementwise kernel and the matmul and conv2d epilogues share it.
 */
export const WGSL_RELU_F32 = `${WGSL_IS_NAN_F32}
fn reluOf(v: f32) -> f32 { return select(select(v, 0.0, v < 0.0), v, isNan(v)); }`;

/**
 * f32 helpers of the elementwise kernels, with the reference's edge cases (NaN in, NaN out; JS's
 * pow).
 */
export const WGSL_MATH_F32 = `
${WGSL_RELU_F32}
fn sigmoidOf(v: f32) -> f32 {
  if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); }
  let e = exp(v);
  return e / (1.0 + e);
}
fn tanhOf(v: f32) -> f32 {
  if (isNan(v)) { return v; }
  return tanh(clamp(v, -20.0, 20.0)); // tanh(±20) is ±1 in f32; larger inputs overflow exp
}
fn log1pOf(t: f32) -> f32 {
  if (t < 1e-4) { return t - 0.5 * t * t; } // log(1 + t) loses t's digits when t is tiny
  return log(1.0 + t);
}
fn softplusOf(v: f32) -> f32 {
  if (isNan(v)) { return v; }
  return max(v, 0.0) + log1pOf(exp(-abs(v)));
}
fn powOf(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isNan(a) || isNan(b)) { return a + b; }
  if (a == 0.0) { return select(0.0, bitcast<f32>(0x7f800000u), b < 0.0); }
  let m = pow(abs(a), b);
  if (a > 0.0) { return m; }
  if (floor(b) != b) { return bitcast<f32>(0x7fc00000u); } // a negative base needs an integer power
  let odd = abs(b) < 16777216.0 && (i32(b) & 1) == 1;
  return select(m, -m, odd);
}
fn maxOf(a: f32, b: f32) -> f32 { return select(max(a, b), a + b, isNan(a) || isNan(b)); }
fn minOf(a: f32, b: f32) -> f32 { return select(min(a, b), a + b, isNan(a) || isNan(b)); }
`;

/** The prelude's WGSL. */
export const WGSL_PRELUDE = `
@group(0) @binding(0) var<uniform> params: array<vec4<u32>, 16>;

fn word(i: u32) -> u32 { return params[i / 4u][i % 4u]; }
fn fword(i: u32) -> f32 { return bitcast<f32>(word(i)); }
fn iword(i: u32) -> i32 { return bitcast<i32>(word(i)); }

// The invocation's index in a grid that may wrap into y past the per-dimension workgroup limit.
fn linearId(gid: vec3u, groups: vec3u, size: u32) -> u32 {
  return gid.y * groups.x * size + gid.x;
}

// The element offset, in its buffer, of element i (row-major) of a view over the shape at words
// shapeAt.. (rank dims) whose offset and strides are at words viewAt, viewAt + 1, ...
fn viewOffset(i: u32, shapeAt: u32, rank: u32, viewAt: u32) -> u32 {
  var rest = i;
  var at = word(viewAt);
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let n = word(shapeAt + u32(d));
    at += (rest % n) * word(viewAt + 1u + u32(d));
    rest /= n;
  }
  return at;
}
`;
