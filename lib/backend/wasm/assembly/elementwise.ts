// The operation classes are used only as type arguments, and most ignore the parameters p, q,
// which the linter counts as unused.
// deno-lint-ignore-file no-unused-vars

// AssemblyScript: float32 elementwise maps (unary, binary, compare, where) and casts.
//
// Operands are views walked as up to three collapsed dimensions [outer, mid, inner], each operand
// with its own element strides (0 = broadcast). Each call covers output elements [start, end), so
// the pool can split any shape. The innermost run goes four lanes at a time: contiguous runs load
// vectors, broadcast runs splat one element, other strides gather lanes.
//
// Each operation is a class whose method maps vectors; the walks are generic over it, so every
// operation gets its own specialised loops (the instance is never allocated: `changetype<T>(0)`).
// Lanes round exactly like the reference (float64 arithmetic rounded once to float32) except
// exp, log, sigmoid, tanh and softplus, which are within a few float32 ulps of it.

import { expv, log1pv, logv, madd, splat } from "./_math";

/** The four lanes at `x` with element stride `s` (0 splats one element). */
function gather(x: usize, s: i32): v128 {
  if (s == 1) return v128.load(x);
  if (s == 0) return v128.load32_splat(x);
  const b = <usize> (s << 2);
  let v = v128.load32_splat(x);
  v = v128.load32_lane(x + b, v, 1);
  v = v128.load32_lane(x + b + b, v, 2);
  return v128.load32_lane(x + b + b + b, v, 3);
}

/** Float32 ones where `mask` is set, zeros elsewhere. */
function ones(mask: v128): v128 {
  return v128.and(mask, splat(1.0));
}

/** `a · b` per lane with `a` float32 and `b` two float64, rounded once to float32. */
function mulWide(a: v128, b: v128): v128 {
  const low = f64x2.mul(f64x2.promote_low_f32x4(a), b);
  const high = f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 0, 1)), b);
  return v128.shuffle<i64>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 2);
}

// Unary operations: `v(x, p, q)` with per-call parameters p, q (unused by most).

class Neg {
  v(x: v128, p: v128, q: v128): v128 {
    return f32x4.neg(x);
  }
}
class Exp {
  v(x: v128, p: v128, q: v128): v128 {
    return expv(x);
  }
}
class Log {
  v(x: v128, p: v128, q: v128): v128 {
    return logv(x);
  }
}
class Sqrt {
  v(x: v128, p: v128, q: v128): v128 {
    return f32x4.sqrt(x);
  }
}
class Abs {
  v(x: v128, p: v128, q: v128): v128 {
    return f32x4.abs(x);
  }
}
class Sign {
  // ±1 with x's sign, except ±0 and NaN, which are their own sign (as Math.sign).
  v(x: v128, p: v128, q: v128): v128 {
    const unit = v128.or(v128.and(x, i32x4.splat(0x80000000)), splat(1.0));
    return v128.bitselect(x, unit, v128.or(f32x4.eq(x, splat(0.0)), f32x4.ne(x, x)));
  }
}
class Relu {
  // `x < 0 ? 0 : x`, so NaN and -0 pass through as in the reference.
  v(x: v128, p: v128, q: v128): v128 {
    return v128.andnot(x, f32x4.lt(x, splat(0.0)));
  }
}
class Sigmoid {
  // 1/(1 + e^-x) for x ≥ 0, e^x/(1 + e^x) below (NaN takes this branch), never overflowing.
  v(x: v128, p: v128, q: v128): v128 {
    const e = expv(f32x4.neg(f32x4.abs(x)));
    const d = f32x4.add(e, splat(1.0));
    return v128.bitselect(f32x4.div(splat(1.0), d), f32x4.div(e, d), f32x4.ge(x, splat(0.0)));
  }
}
class Tanh {
  // An odd polynomial near 0 (no cancellation); 1 − 2/(e^2|x| + 1) with x's sign elsewhere.
  v(x: v128, p: v128, q: v128): v128 {
    const a = f32x4.abs(x);
    const z = f32x4.mul(x, x);
    let y = madd(splat(-5.70498872745e-3), z, splat(2.06390887954e-2));
    y = madd(y, z, splat(-5.37397155531e-2));
    y = madd(y, z, splat(1.33314422036e-1));
    y = madd(y, z, splat(-3.33332819422e-1));
    const near = madd(f32x4.mul(y, z), x, x);
    const t = f32x4.sub(
      splat(1.0),
      f32x4.div(splat(2.0), f32x4.add(expv(f32x4.add(a, a)), splat(1.0))),
    );
    const far = v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
    return v128.bitselect(near, far, f32x4.lt(a, splat(0.625)));
  }
}
class Softplus {
  // max(x, 0) + log1p(e^-|x|), which never overflows.
  v(x: v128, p: v128, q: v128): v128 {
    const t = log1pv(expv(f32x4.neg(f32x4.abs(x))));
    return f32x4.add(f32x4.max(x, splat(0.0)), t);
  }
}
class LeakyRelu {
  // p holds α as two float64: the product rounds once, as the reference's `alpha * x`.
  v(x: v128, p: v128, q: v128): v128 {
    return v128.bitselect(mulWide(x, p), x, f32x4.lt(x, splat(0.0)));
  }
}
class Clip {
  // min(max(x, lo), hi) with lo, hi rounded to float32 first, which commutes with max and min.
  v(x: v128, p: v128, q: v128): v128 {
    return f32x4.min(f32x4.max(x, p), q);
  }
}

// Binary operations and comparisons: `v(a, b)`.

class Add {
  v(a: v128, b: v128): v128 {
    return f32x4.add(a, b);
  }
}
class Sub {
  v(a: v128, b: v128): v128 {
    return f32x4.sub(a, b);
  }
}
class Mul {
  v(a: v128, b: v128): v128 {
    return f32x4.mul(a, b);
  }
}
class Div {
  v(a: v128, b: v128): v128 {
    return f32x4.div(a, b);
  }
}
class Maximum {
  // WASM max propagates NaN and orders -0 below +0, exactly as Math.max.
  v(a: v128, b: v128): v128 {
    return f32x4.max(a, b);
  }
}
class Minimum {
  v(a: v128, b: v128): v128 {
    return f32x4.min(a, b);
  }
}
class Equal {
  v(a: v128, b: v128): v128 {
    return ones(f32x4.eq(a, b));
  }
}
class NotEqual {
  v(a: v128, b: v128): v128 {
    return ones(f32x4.ne(a, b));
  }
}
class Less {
  v(a: v128, b: v128): v128 {
    return ones(f32x4.lt(a, b));
  }
}
class LessEqual {
  v(a: v128, b: v128): v128 {
    return ones(f32x4.le(a, b));
  }
}
class Greater {
  v(a: v128, b: v128): v128 {
    return ones(f32x4.gt(a, b));
  }
}
class GreaterEqual {
  v(a: v128, b: v128): v128 {
    return ones(f32x4.ge(a, b));
  }
}

/** One unary run of `n` elements: `x` with element stride `s`. */
function unaryRun<T>(out: usize, x: usize, s: i32, n: i32, p: v128, q: v128): void {
  const op = changetype<T>(0);
  let i = 0;
  if (s == 1) {
    for (; i + 4 <= n; i += 4) {
      const at = <usize> i << 2;
      v128.store(out + at, op.v(v128.load(x + at), p, q));
    }
  } else {
    const step = <usize> (s << 4);
    for (; i + 4 <= n; i += 4) {
      v128.store(out + (<usize> i << 2), op.v(gather(x, s), p, q));
      x += step;
    }
    x -= <usize> (i * s << 2);
  }
  for (; i < n; i++) {
    const r = op.v(v128.load32_splat(x + <usize> (i * s << 2)), p, q);
    store<f32>(out + (<usize> i << 2), f32x4.extract_lane(r, 0));
  }
}

/** Walks output elements [start, end) of [·, mid, inner] for a unary operation. */
function unaryWalk<T>(
  out: usize,
  x: usize,
  start: i32,
  end: i32,
  mid: i32,
  inner: i32,
  so: i32,
  sm: i32,
  si: i32,
  p: v128,
  q: v128,
): void {
  const row = start / inner;
  let i = start - row * inner;
  let o = row / mid, m = row - o * mid;
  for (let at = start; at < end;) {
    const n = min(inner - i, end - at);
    const src = x + <usize> ((o * so + m * sm + i * si) << 2);
    unaryRun<T>(out + (<usize> at << 2), src, si, n, p, q);
    at += n;
    i = 0;
    if (++m == mid) {
      m = 0;
      o++;
    }
  }
}

/**
 * Unary operation `op` (0 neg, 1 exp, 2 log, 3 sqrt, 4 abs, 5 sign, 6 relu, 7 sigmoid, 8 tanh,
 * 9 softplus, 10 leakyRelu with α = p, 11 clip to [p, q]) on output elements [start, end) of a
 * [·, mid, inner] view at `x` with element strides so, sm, si; contiguous output at `out`.
 */
export function unary_f32(
  op: i32,
  out: usize,
  x: usize,
  start: i32,
  end: i32,
  mid: i32,
  inner: i32,
  so: i32,
  sm: i32,
  si: i32,
  p: f64,
  q: f64,
): void {
  const vp = f32x4.splat(<f32> p), vq = f32x4.splat(<f32> q);
  switch (op) {
    case 0:
      unaryWalk<Neg>(out, x, start, end, mid, inner, so, sm, si, vp, vq);
      break;
    case 1:
      unaryWalk<Exp>(out, x, start, end, mid, inner, so, sm, si, vp, vq);
      break;
    case 2:
      unaryWalk<Log>(out, x, start, end, mid, inner, so, sm, si, vp, vq);
      break;
    case 3:
      unaryWalk<Sqrt>(out, x, start, end, mid, inner, so, sm, si, vp, vq);
      break;
    case 4:
      unaryWalk<Abs>(out, x, start, end, mid, inner, so, sm, si, vp, vq);
      break;
    case 5:
      unaryWalk<Sign>(out, x, start, end, mid, inner, so, sm, si, vp, vq);
      break;
    case 6:
      unaryWalk<Relu>(out, x, start, end, mid, inner, so, sm, si, vp, vq);
      break;
    case 7:
      unaryWalk<Sigmoid>(out, x, start, end, mid, inner, so, sm, si, vp, vq);
      break;
    case 8:
      unaryWalk<Tanh>(out, x, start, end, mid, inner, so, sm, si, vp, vq);
      break;
    case 9:
      unaryWalk<Softplus>(out, x, start, end, mid, inner, so, sm, si, vp, vq);
      break;
    case 10:
      unaryWalk<LeakyRelu>(out, x, start, end, mid, inner, so, sm, si, f64x2.splat(p), vq);
      break;
    default:
      unaryWalk<Clip>(out, x, start, end, mid, inner, so, sm, si, vp, vq);
  }
}

/** One binary run of `n` elements: `a`, `b` with element strides `sa`, `sb`. */
function binaryRun<T>(out: usize, a: usize, sa: i32, b: usize, sb: i32, n: i32): void {
  const op = changetype<T>(0);
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= n; i += 4) {
      const at = <usize> i << 2;
      v128.store(out + at, op.v(v128.load(a + at), v128.load(b + at)));
    }
  } else if (sa == 1 && sb == 0) {
    const vb = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const at = <usize> i << 2;
      v128.store(out + at, op.v(v128.load(a + at), vb));
    }
  } else if (sa == 0 && sb == 1) {
    const va = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const at = <usize> i << 2;
      v128.store(out + at, op.v(va, v128.load(b + at)));
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      const va = gather(a + <usize> (i * sa << 2), sa);
      v128.store(out + (<usize> i << 2), op.v(va, gather(b + <usize> (i * sb << 2), sb)));
    }
  }
  for (; i < n; i++) {
    const va = v128.load32_splat(a + <usize> (i * sa << 2));
    const r = op.v(va, v128.load32_splat(b + <usize> (i * sb << 2)));
    store<f32>(out + (<usize> i << 2), f32x4.extract_lane(r, 0));
  }
}

/** Walks output elements [start, end) of [·, mid, inner] for a binary operation. */
function binaryWalk<T>(
  out: usize,
  a: usize,
  b: usize,
  start: i32,
  end: i32,
  mid: i32,
  inner: i32,
  aso: i32,
  asm: i32,
  asi: i32,
  bso: i32,
  bsm: i32,
  bsi: i32,
): void {
  const row = start / inner;
  let i = start - row * inner;
  let o = row / mid, m = row - o * mid;
  for (let at = start; at < end;) {
    const n = min(inner - i, end - at);
    const pa = a + <usize> ((o * aso + m * asm + i * asi) << 2);
    const pb = b + <usize> ((o * bso + m * bsm + i * bsi) << 2);
    binaryRun<T>(out + (<usize> at << 2), pa, asi, pb, bsi, n);
    at += n;
    i = 0;
    if (++m == mid) {
      m = 0;
      o++;
    }
  }
}

/**
 * Binary operation `op` (0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum, then the comparisons
 * giving 0/1: 6 equal, 7 notEqual, 8 less, 9 lessEqual, 10 greater, 11 greaterEqual) on output
 * elements [start, end) of [·, mid, inner] views at `a` and `b`, each with element strides.
 */
export function binary_f32(
  op: i32,
  out: usize,
  a: usize,
  b: usize,
  start: i32,
  end: i32,
  mid: i32,
  inner: i32,
  aso: i32,
  asm: i32,
  asi: i32,
  bso: i32,
  bsm: i32,
  bsi: i32,
): void {
  switch (op) {
    case 0:
      binaryWalk<Add>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
      break;
    case 1:
      binaryWalk<Sub>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
      break;
    case 2:
      binaryWalk<Mul>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
      break;
    case 3:
      binaryWalk<Div>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
      break;
    case 4:
      binaryWalk<Maximum>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
      break;
    case 5:
      binaryWalk<Minimum>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
      break;
    case 6:
      binaryWalk<Equal>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
      break;
    case 7:
      binaryWalk<NotEqual>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
      break;
    case 8:
      binaryWalk<Less>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
      break;
    case 9:
      binaryWalk<LessEqual>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
      break;
    case 10:
      binaryWalk<Greater>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
      break;
    default:
      binaryWalk<GreaterEqual>(out, a, b, start, end, mid, inner, aso, asm, asi, bso, bsm, bsi);
  }
}

/**
 * `cond ? a : b` on output elements [start, end) of [·, inner] views of 4-byte elements (the
 * bits are moved, so float32 and int32 alike); `cond` is float32, or int32 when `intCond` is 1.
 */
export function where_32(
  intCond: i32,
  out: usize,
  c: usize,
  a: usize,
  b: usize,
  start: i32,
  end: i32,
  inner: i32,
  cso: i32,
  csi: i32,
  aso: i32,
  asi: i32,
  bso: i32,
  bsi: i32,
): void {
  let o = start / inner, i = start - o * inner;
  for (let at = start; at < end;) {
    const n = min(inner - i, end - at);
    const pc = c + <usize> ((o * cso + i * csi) << 2);
    const pa = a + <usize> ((o * aso + i * asi) << 2);
    const pb = b + <usize> ((o * bso + i * bsi) << 2);
    const dst = out + (<usize> at << 2);
    let k = 0;
    for (; k + 4 <= n; k += 4) {
      const vc = gather(pc + <usize> (k * csi << 2), csi);
      const set = intCond ? v128.not(i32x4.eq(vc, i32x4.splat(0))) : f32x4.ne(vc, splat(0.0));
      const va = gather(pa + <usize> (k * asi << 2), asi);
      const vb = gather(pb + <usize> (k * bsi << 2), bsi);
      v128.store(dst + (<usize> k << 2), v128.bitselect(va, vb, set));
    }
    for (; k < n; k++) {
      const bits = load<i32>(pc + <usize> (k * csi << 2));
      const set = intCond ? bits != 0 : reinterpret<f32>(bits) != 0;
      const from = set ? pa + <usize> (k * asi << 2) : pb + <usize> (k * bsi << 2);
      store<i32>(dst + (<usize> k << 2), load<i32>(from));
    }
    at += n;
    i = 0;
    o++;
  }
}

/** JavaScript's ToInt32 of a float32 (as an Int32Array store does): truncate, then wrap mod 2³². */
function toInt32(v: f32): i32 {
  // Beyond 2⁶³ a float32 is a multiple of 2³², which wraps to 0; so do NaN and ±Infinity.
  return abs(v) < 9.2e18 ? <i32> <i64> v : 0;
}

/**
 * Converts contiguous elements [start, end) at `x` into `out`: `kind` 0 float32 → int32 (as an
 * Int32Array store), 1 int32 → float32, 2 float32 → float64, 3 float64 → float32,
 * 4 int32 → float64. Conversions to float round to nearest, as typed array stores do.
 */
export function cast(kind: i32, out: usize, x: usize, start: i32, end: i32): void {
  let i = start;
  if (kind == 0) {
    for (; i + 4 <= end; i += 4) {
      const at = <usize> i << 2;
      const v = v128.load(x + at);
      if (v128.any_true(f32x4.ge(f32x4.abs(v), splat(2147483648.0)))) {
        for (let j = 0; j < 4; j++) {
          store<i32>(out + at + (j << 2), toInt32(load<f32>(x + at + (j << 2))));
        }
      } else {
        v128.store(out + at, i32x4.trunc_sat_f32x4_s(v));
      }
    }
    for (; i < end; i++) {
      store<i32>(out + (<usize> i << 2), toInt32(load<f32>(x + (<usize> i << 2))));
    }
  } else if (kind == 1) {
    for (; i + 4 <= end; i += 4) {
      const at = <usize> i << 2;
      v128.store(out + at, f32x4.convert_i32x4_s(v128.load(x + at)));
    }
    for (; i < end; i++) store<f32>(out + (<usize> i << 2), <f32> load<i32>(x + (<usize> i << 2)));
  } else if (kind == 2) {
    for (; i + 2 <= end; i += 2) {
      v128.store(
        out + (<usize> i << 3),
        f64x2.promote_low_f32x4(v128.load64_zero(x + (<usize> i << 2))),
      );
    }
    for (; i < end; i++) store<f64>(out + (<usize> i << 3), <f64> load<f32>(x + (<usize> i << 2)));
  } else if (kind == 3) {
    for (; i + 2 <= end; i += 2) {
      const v = f32x4.demote_f64x2_zero(v128.load(x + (<usize> i << 3)));
      v128.store64_lane(out + (<usize> i << 2), v, 0);
    }
    for (; i < end; i++) store<f32>(out + (<usize> i << 2), <f32> load<f64>(x + (<usize> i << 3)));
  } else {
    for (; i + 2 <= end; i += 2) {
      v128.store(
        out + (<usize> i << 3),
        f64x2.convert_low_i32x4_s(v128.load64_zero(x + (<usize> i << 2))),
      );
    }
    for (; i < end; i++) store<f64>(out + (<usize> i << 3), <f64> load<i32>(x + (<usize> i << 2)));
  }
}
