// AssemblyScript: float32 reductions (sum, max, min; op 0, 1, 2) and argmax/argmin over
// contiguous inputs, in the layouts a reduction collapses to: reduce rows ([K, R]), reduce columns
// ([R, K], and [K, R, K] as a batch of those) and reduce around a kept middle axis ([R, K, R]).
// Sums accumulate in float64 like the reference; max and min propagate NaN like Math.max/min.
// Each call covers a range of outputs, so the pool can split the work.

/** The float64 sum of `n` float32 at `x`. */
function sumRun(x: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const a = v128.load(x + (<usize> i << 2)), b = v128.load(x + (<usize> i << 2) + 16);
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(a));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 0, 1)));
    s2 = f64x2.add(s2, f64x2.promote_low_f32x4(b));
    s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 2, 3, 0, 1)));
  }
  const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) total += <f64> load<f32>(x + (<usize> i << 2));
  return total;
}

/** The maximum (`isMin` 0) or minimum (1) of `n` float32 at `x`; ∓Infinity when empty. */
function extremeRun(isMin: i32, x: usize, n: i32): f32 {
  let m0 = f32x4.splat(isMin ? Infinity : -Infinity), m1 = m0;
  let i = 0;
  if (isMin) {
    for (; i + 8 <= n; i += 8) {
      m0 = f32x4.min(m0, v128.load(x + (<usize> i << 2)));
      m1 = f32x4.min(m1, v128.load(x + (<usize> i << 2) + 16));
    }
    m0 = f32x4.min(m0, m1);
    m0 = f32x4.min(m0, v128.shuffle<f32>(m0, m0, 2, 3, 0, 1));
    m0 = f32x4.min(m0, v128.shuffle<f32>(m0, m0, 1, 0, 3, 2));
    let r = f32x4.extract_lane(m0, 0);
    for (; i < n; i++) r = min(r, load<f32>(x + (<usize> i << 2)));
    return r;
  }
  for (; i + 8 <= n; i += 8) {
    m0 = f32x4.max(m0, v128.load(x + (<usize> i << 2)));
    m1 = f32x4.max(m1, v128.load(x + (<usize> i << 2) + 16));
  }
  m0 = f32x4.max(m0, m1);
  m0 = f32x4.max(m0, v128.shuffle<f32>(m0, m0, 2, 3, 0, 1));
  m0 = f32x4.max(m0, v128.shuffle<f32>(m0, m0, 1, 0, 3, 2));
  let r = f32x4.extract_lane(m0, 0);
  for (; i < n; i++) r = max(r, load<f32>(x + (<usize> i << 2)));
  return r;
}

/**
 * Reduces rows [r0, r1) of `n` contiguous float32 at `x` with `op`, writing one result per row at
 * `out`: float32, or float64 when `wide` is 1 (partial sums of a split reduction).
 */
export function rows_f32(op: i32, x: usize, out: usize, r0: i32, r1: i32, n: i32, wide: i32): void {
  for (let r = r0; r < r1; r++) {
    const src = x + (<usize> r * <usize> n << 2);
    const v = op == 0 ? sumRun(src, n) : <f64> extremeRun(op - 1, src, n);
    if (wide) store<f64>(out + (<usize> r << 3), v);
    else store<f32>(out + (<usize> r << 2), <f32> v);
  }
}

/** Column sums of [rows, width] at `x` for columns [c0, c1), into `out` (float64 accumulation). */
function sumColumns(x: usize, out: usize, c0: i32, c1: i32, rows: i32, width: i32): void {
  const line = <usize> width << 2;
  let c = c0;
  for (; c + 8 <= c1; c += 8) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let p = x + (<usize> c << 2);
    for (let r = 0; r < rows; r++) {
      const a = v128.load(p), b = v128.load(p + 16);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(a));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 0, 1)));
      s2 = f64x2.add(s2, f64x2.promote_low_f32x4(b));
      s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 2, 3, 0, 1)));
      p += line;
    }
    const dst = out + (<usize> c << 2);
    v128.store(
      dst,
      v128.shuffle<i64>(f32x4.demote_f64x2_zero(s0), f32x4.demote_f64x2_zero(s1), 0, 2),
    );
    v128.store(
      dst + 16,
      v128.shuffle<i64>(f32x4.demote_f64x2_zero(s2), f32x4.demote_f64x2_zero(s3), 0, 2),
    );
  }
  for (; c < c1; c++) {
    let s: f64 = 0;
    let p = x + (<usize> c << 2);
    for (let r = 0; r < rows; r++) {
      s += <f64> load<f32>(p);
      p += line;
    }
    store<f32>(out + (<usize> c << 2), <f32> s);
  }
}

/** Column maxima (`isMin` 0) or minima (1) of [rows, width] at `x` for columns [c0, c1). */
function extremeColumns(
  isMin: i32,
  x: usize,
  out: usize,
  c0: i32,
  c1: i32,
  rows: i32,
  width: i32,
): void {
  const line = <usize> width << 2;
  const start = f32x4.splat(isMin ? Infinity : -Infinity);
  let c = c0;
  for (; c + 8 <= c1; c += 8) {
    let m0 = start, m1 = start;
    let p = x + (<usize> c << 2);
    for (let r = 0; r < rows; r++) {
      if (isMin) {
        m0 = f32x4.min(m0, v128.load(p));
        m1 = f32x4.min(m1, v128.load(p + 16));
      } else {
        m0 = f32x4.max(m0, v128.load(p));
        m1 = f32x4.max(m1, v128.load(p + 16));
      }
      p += line;
    }
    v128.store(out + (<usize> c << 2), m0);
    v128.store(out + (<usize> c << 2) + 16, m1);
  }
  for (; c < c1; c++) {
    let m = f32x4.extract_lane(start, 0);
    let p = x + (<usize> c << 2);
    for (let r = 0; r < rows; r++) {
      m = isMin ? min(m, load<f32>(p)) : max(m, load<f32>(p));
      p += line;
    }
    store<f32>(out + (<usize> c << 2), m);
  }
}

/**
 * Reduces the middle axis of [outer, rows, width] at `x` with `op`, for outer indices [o0, o1) and
 * columns [c0, c1), into [outer, width] at `out`.
 */
export function cols_f32(
  op: i32,
  x: usize,
  out: usize,
  o0: i32,
  o1: i32,
  c0: i32,
  c1: i32,
  rows: i32,
  width: i32,
): void {
  const block = <usize> rows * <usize> width << 2;
  for (let o = o0; o < o1; o++) {
    const src = x + <usize> o * block, dst = out + (<usize> o * <usize> width << 2);
    if (op == 0) sumColumns(src, dst, c0, c1, rows, width);
    else extremeColumns(op - 1, src, dst, c0, c1, rows, width);
  }
}

/**
 * Reduces the first and last axes of [A, B, C] at `x` with `op`, for kept indices [b0, b1), into
 * `out` (B float32).
 */
export function mid_f32(
  op: i32,
  x: usize,
  out: usize,
  b0: i32,
  b1: i32,
  A: i32,
  B: i32,
  C: i32,
): void {
  for (let b = b0; b < b1; b++) {
    let acc: f64 = op == 0 ? 0 : op == 1 ? -Infinity : Infinity;
    for (let a = 0; a < A; a++) {
      const src = x + ((<usize> a * <usize> B + <usize> b) * <usize> C << 2);
      if (op == 0) acc += sumRun(src, C);
      else if (op == 1) acc = max(acc, <f64> extremeRun(0, src, C));
      else acc = min(acc, <f64> extremeRun(1, src, C));
    }
    store<f32>(out + (<usize> b << 2), <f32> acc);
  }
}

/** Whether `v` beats the best so far `best` for argmax (`isMin` 0) or argmin (1). */
function beats(isMin: i32, v: f32, best: f32): bool {
  return isMin ? v < best : v > best;
}

/**
 * Index of the first maximum (`isMin` 0) or minimum (1) of each row [r0, r1) of `len` float32 at
 * `x`, as int32 at `out`. A NaN wins and stays, as in the reference.
 */
export function argrows_f32(isMin: i32, x: usize, out: usize, r0: i32, r1: i32, len: i32): void {
  for (let r = r0; r < r1; r++) {
    const src = x + (<usize> r * <usize> len << 2);
    let best = 0;
    if (len > 0) {
      let top = load<f32>(src);
      for (let k = 1; k < len && top == top; k++) {
        const v = load<f32>(src + (<usize> k << 2));
        if (beats(isMin, v, top) || v != v) {
          best = k;
          top = v;
        }
      }
    }
    store<i32>(out + (<usize> r << 2), best);
  }
}

/**
 * Index of the first maximum (`isMin` 0) or minimum (1) along the middle axis of [outer, len, inner]
 * at `x`, for outer indices [o0, o1), into [outer, inner] int32 at `out`. A NaN wins and stays.
 */
export function argcols_f32(
  isMin: i32,
  x: usize,
  out: usize,
  o0: i32,
  o1: i32,
  len: i32,
  inner: i32,
): void {
  const line = <usize> inner << 2;
  for (let o = o0; o < o1; o++) {
    const src = x + (<usize> o * <usize> len * line), dst = out + (<usize> o * line);
    let c = 0;
    if (len > 0) {
      for (; c + 4 <= inner; c += 4) {
        let p = src + (<usize> c << 2);
        let top = v128.load(p);
        let best = i32x4.splat(0);
        for (let k = 1; k < len; k++) {
          p += line;
          const v = v128.load(p);
          const better = isMin ? f32x4.lt(v, top) : f32x4.gt(v, top);
          // A lane whose best is NaN never changes again.
          const take = v128.and(v128.or(better, f32x4.ne(v, v)), f32x4.eq(top, top));
          best = v128.bitselect(i32x4.splat(k), best, take);
          top = v128.bitselect(v, top, take);
        }
        v128.store(dst + (<usize> c << 2), best);
      }
    }
    for (; c < inner; c++) {
      let p = src + (<usize> c << 2);
      let best = 0;
      if (len > 0) {
        let top = load<f32>(p);
        for (let k = 1; k < len && top == top; k++) {
          p += line;
          const v = load<f32>(p);
          if (beats(isMin, v, top) || v != v) {
            best = k;
            top = v;
          }
        }
      }
      store<i32>(dst + (<usize> c << 2), best);
    }
  }
}
