// AssemblyScript: float32x4 exp and log (the Cephes single-precision algorithms: Cody-Waite range
// reduction and a short polynomial), accurate to about one float32 ulp over the whole range,
// including subnormal results and inputs, ±Infinity and NaN.

/** `a · b + c`, fused when the build has relaxed SIMD. */
export function madd(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f32x4.relaxed_madd(a, b, c) : f32x4.add(f32x4.mul(a, b), c);
}

/** Four lanes of `x`. */
export function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** 2^n per lane for n in [-126, 127], built from the exponent bits. */
function pow2(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

/** e^x per lane. */
export function expv(x: v128): v128 {
  // Past these bounds the float32 result is 0 or Infinity anyway; NaN passes through min/max.
  const c = f32x4.min(f32x4.max(x, splat(-104.0)), splat(89.0));
  const k = f32x4.nearest(f32x4.mul(c, splat(1.44269504088896341)));
  // x − k·ln2 in two parts, the first exact in float32.
  let r = f32x4.sub(c, f32x4.mul(k, splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(k, splat(-2.12194440e-4)));
  const z = f32x4.mul(r, r);
  let y = madd(splat(1.9875691500e-4), r, splat(1.3981999507e-3));
  y = madd(y, r, splat(8.3334519073e-3));
  y = madd(y, r, splat(4.1665795894e-2));
  y = madd(y, r, splat(1.6666665459e-1));
  y = madd(y, r, splat(5.0000001201e-1));
  y = f32x4.add(madd(y, z, r), splat(1.0));
  // 2^k in two halves, so k down to -151 (subnormal results) and up to 129 (overflow) both work,
  // rounding only once at the last multiply.
  const ki = i32x4.trunc_sat_f32x4_s(k);
  const k1 = i32x4.shr_s(ki, 1);
  return f32x4.mul(f32x4.mul(y, pow2(k1)), pow2(i32x4.sub(ki, k1)));
}

/** The natural logarithm per lane: -Infinity at ±0, NaN below 0 and at NaN. */
export function logv(x: v128): v128 {
  // Subnormal inputs are scaled into the normal range first (and 23 taken off the exponent).
  const tiny = f32x4.lt(x, splat(1.17549435e-38));
  const bits = v128.bitselect(f32x4.mul(x, splat(8388608.0)), x, tiny);
  // x = m · 2^e with m in [0.5, 1).
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(23)));
  const m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  // Below √½ use 2m and e − 1, so the polynomial's argument f stays in [√½ − 1, √2 − 1).
  const low = f32x4.lt(m, splat(0.707106781186547524));
  e = i32x4.add(e, low);
  const f = f32x4.sub(f32x4.add(m, v128.and(m, low)), splat(1.0));
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(f, f);
  let y = madd(splat(7.0376836292e-2), f, splat(-1.1514610310e-1));
  y = madd(y, f, splat(1.1676998740e-1));
  y = madd(y, f, splat(-1.2420140846e-1));
  y = madd(y, f, splat(1.4249322787e-1));
  y = madd(y, f, splat(-1.6668057665e-1));
  y = madd(y, f, splat(2.0000714765e-1));
  y = madd(y, f, splat(-2.4999993993e-1));
  y = madd(y, f, splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, f), z);
  y = madd(fe, splat(-2.12194440e-4), y);
  y = madd(z, splat(-0.5), y);
  let r = madd(fe, splat(0.693359375), f32x4.add(f, y));
  r = v128.bitselect(splat(-Infinity), r, f32x4.eq(x, splat(0.0)));
  r = v128.bitselect(x, r, f32x4.eq(x, splat(Infinity)));
  return v128.bitselect(splat(NaN), r, v128.or(f32x4.lt(x, splat(0.0)), f32x4.ne(x, x)));
}

/** log(1 + t) per lane, accurate for tiny t too (t > -1). */
export function log1pv(t: v128): v128 {
  // log(u)·t/(u − 1) with u = 1 + t cancels u's rounding error (Goldberg); where u rounds to 1,
  // log1p(t) is t to float32 precision.
  const u = f32x4.add(t, splat(1.0));
  const d = f32x4.sub(u, splat(1.0));
  const r = f32x4.mul(logv(u), f32x4.div(t, d));
  return v128.bitselect(t, r, f32x4.eq(d, splat(0.0)));
}
