// AssemblyScript: max and average pooling over float32 NCHW planes, and their adjoints, with the
// reference kernels' exact semantics: only in-bounds taps count (padding never wins a max and is
// not part of an average), taps are visited in row-major window order and the first maximum wins,
// and overlapping windows accumulate. Sums and divisions run in f64 like the reference, so the
// results match it bit for bit. Each call covers planes `[q0, q1)`, so the pool can split the work.
//
// The window geometry comes as twelve i32 at `geom`: H, W, OH, OW, kH, kW, sH, sW, pt, pl, dH, dW.

/** The first tap index whose position `base + k·d` is ≥ 0, clamped to [0, taps]. */
function firstTap(base: i32, d: i32, taps: i32): i32 {
  if (base >= 0) return 0;
  return min((-base + d - 1) / d, taps);
}

/** One past the last tap index whose position `base + k·d` is < size, clamped to [0, taps]. */
function endTap(base: i32, d: i32, size: i32, taps: i32): i32 {
  if (size - base <= 0) return 0;
  return min((size - base + d - 1) / d, taps);
}

/** One past the last tap index when every tap from `base` on is inside [0, size), else -1. */
function allInside(base: i32, d: i32, size: i32, taps: i32): i32 {
  return base >= 0 && base + (taps - 1) * d < size ? taps : -1;
}

/**
 * The offset (within the plane at `x`) of the first maximum among taps [kh0, kh1) × [kw0, kw1) of
 * the window whose top-left tap sits at row `bh`, column `bw`; -1 when the window has no taps.
 */
function argmax(
  x: usize,
  W: i32,
  bh: i32,
  bw: i32,
  kh0: i32,
  kh1: i32,
  kw0: i32,
  kw1: i32,
  dH: i32,
  dW: i32,
): i32 {
  if (kh0 >= kh1 || kw0 >= kw1) return -1;
  let best = (bh + kh0 * dH) * W + bw + kw0 * dW;
  let top = load<f32>(x + (<usize> best << 2));
  for (let kh = kh0; kh < kh1; kh++) {
    const row = (bh + kh * dH) * W + bw;
    for (let kw = kw0; kw < kw1; kw++) {
      const at = row + kw * dW;
      const v = load<f32>(x + (<usize> at << 2));
      // Branch-free (see `larger`); an i32 select becomes a conditional move.
      const wins = v > top;
      best = select<i32>(at, best, wins);
      top = larger(top, v);
    }
  }
  return best;
}

/** The first maximum's value, as {@link argmax} finds it; -Infinity when there are no taps. */
function maxOf(
  x: usize,
  W: i32,
  bh: i32,
  bw: i32,
  kh0: i32,
  kh1: i32,
  kw0: i32,
  kw1: i32,
  dH: i32,
  dW: i32,
): f32 {
  if (kh0 >= kh1 || kw0 >= kw1) return -Infinity;
  let top = load<f32>(x + (<usize> ((bh + kh0 * dH) * W + bw + kw0 * dW) << 2));
  for (let kh = kh0; kh < kh1; kh++) {
    const row = x + (<usize> ((bh + kh * dH) * W + bw) << 2);
    for (let kw = kw0; kw < kw1; kw++) {
      const v = load<f32>(row + (<usize> (kw * dW) << 2));
      top = larger(top, v);
    }
  }
  return top;
}

/**
 * `v` when it is greater than `top`, else `top` (so a NaN never replaces a number), without a
 * branch: V8 turns a scalar f32 select into one, and which tap wins is data-dependent, so it
 * would mispredict often; `pmax` is exactly `top < v ? v : top` as one instruction.
 */
function larger(top: f32, v: f32): f32 {
  return f32x4.extract_lane(f32x4.pmax(f32x4.splat(top), f32x4.splat(v)), 0);
}

/** Sets `n` floats at `dst` to zero. */
function zero(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize> i << 2), z);
  for (; i < n; i++) store<f32>(dst + (<usize> i << 2), 0);
}

/** y = the max over each window of planes `[q0, q1)` of x (-Infinity for an all-padding window). */
export function maxpool_f32(geom: usize, x: usize, y: usize, q0: i32, q1: i32): void {
  maxpool(geom, x, 0, y, q0, q1);
}

/** dx = each dy routed to its window's first maximum in x, over planes `[q0, q1)`. */
export function maxpool_backprop_f32(
  geom: usize,
  dy: usize,
  x: usize,
  dx: usize,
  q0: i32,
  q1: i32,
): void {
  maxpool(geom, x, dx, dy, q0, q1);
}

/**
 * The max pool forward (`dx` = 0: writes the maxima to `y`) or backward (adds each `y` element,
 * the gradient, into `dx` at its window's first maximum), over planes `[q0, q1)`.
 */
function maxpool(geom: usize, x: usize, dx: usize, y: usize, q0: i32, q1: i32): void {
  const H = load<i32>(geom), W = load<i32>(geom, 4);
  const OH = load<i32>(geom, 8), OW = load<i32>(geom, 12);
  const kH = load<i32>(geom, 16), kW = load<i32>(geom, 20);
  const sH = load<i32>(geom, 24), sW = load<i32>(geom, 28);
  const pt = load<i32>(geom, 32), pl = load<i32>(geom, 36);
  const dH = load<i32>(geom, 40), dW = load<i32>(geom, 44);
  for (let q = q0; q < q1; q++) {
    const xp = x + (<usize> q * <usize> (H * W) << 2);
    const yp = y + (<usize> q * <usize> (OH * OW) << 2);
    const dxp = dx + (<usize> q * <usize> (H * W) << 2);
    if (dx) zero(dxp, H * W);
    for (let oh = 0; oh < OH; oh++) {
      const bh = oh * sH - pt;
      let kh0 = 0, kh1 = allInside(bh, dH, H, kH);
      if (kh1 < 0) {
        kh0 = firstTap(bh, dH, kH);
        kh1 = endTap(bh, dH, H, kH);
      }
      for (let ow = 0; ow < OW; ow++) {
        const bw = ow * sW - pl;
        let kw0 = 0, kw1 = allInside(bw, dW, W, kW);
        if (kw1 < 0) {
          kw0 = firstTap(bw, dW, kW);
          kw1 = endTap(bw, dW, W, kW);
        }
        const yAt = yp + (<usize> (oh * OW + ow) << 2);
        if (!dx) {
          store<f32>(yAt, maxOf(xp, W, bh, bw, kh0, kh1, kw0, kw1, dH, dW));
          continue;
        }
        const at = argmax(xp, W, bh, bw, kh0, kh1, kw0, kw1, dH, dW);
        if (at >= 0) {
          const p = dxp + (<usize> at << 2);
          store<f32>(p, load<f32>(p) + load<f32>(yAt));
        }
      }
    }
  }
}

/** y = the mean over the in-bounds taps of each window (0 for none), over planes `[q0, q1)`. */
export function avgpool_f32(geom: usize, x: usize, y: usize, q0: i32, q1: i32): void {
  avgpool(geom, x, y, q0, q1, false);
}

/** dx = each dy spread evenly over its window's in-bounds taps, over planes `[q0, q1)`. */
export function avgpool_backprop_f32(geom: usize, dy: usize, dx: usize, q0: i32, q1: i32): void {
  avgpool(geom, dx, dy, q0, q1, true);
}

/**
 * The average pool forward (reads the image `x`, writes the means to `y`) or backward (reads the
 * gradient `y`, spreads it into the zeroed image `x`), over planes `[q0, q1)`.
 */
function avgpool(geom: usize, x: usize, y: usize, q0: i32, q1: i32, backward: bool): void {
  const H = load<i32>(geom), W = load<i32>(geom, 4);
  const OH = load<i32>(geom, 8), OW = load<i32>(geom, 12);
  const kH = load<i32>(geom, 16), kW = load<i32>(geom, 20);
  const sH = load<i32>(geom, 24), sW = load<i32>(geom, 28);
  const pt = load<i32>(geom, 32), pl = load<i32>(geom, 36);
  const dH = load<i32>(geom, 40), dW = load<i32>(geom, 44);
  for (let q = q0; q < q1; q++) {
    const xp = x + (<usize> q * <usize> (H * W) << 2);
    const yp = y + (<usize> q * <usize> (OH * OW) << 2);
    if (backward) zero(xp, H * W);
    for (let oh = 0; oh < OH; oh++) {
      const bh = oh * sH - pt;
      let kh0 = 0, kh1 = allInside(bh, dH, H, kH);
      if (kh1 < 0) {
        kh0 = firstTap(bh, dH, kH);
        kh1 = endTap(bh, dH, H, kH);
      }
      for (let ow = 0; ow < OW; ow++) {
        const bw = ow * sW - pl;
        let kw0 = 0, kw1 = allInside(bw, dW, W, kW);
        if (kw1 < 0) {
          kw0 = firstTap(bw, dW, kW);
          kw1 = endTap(bw, dW, W, kW);
        }
        const n = kh1 > kh0 && kw1 > kw0 ? (kh1 - kh0) * (kw1 - kw0) : 0;
        const yAt = yp + (<usize> (oh * OW + ow) << 2);
        if (backward) {
          if (n == 0) continue;
          const g = <f64> load<f32>(yAt) / <f64> n;
          for (let kh = kh0; kh < kh1; kh++) {
            const row = xp + (<usize> ((bh + kh * dH) * W + bw) << 2);
            for (let kw = kw0; kw < kw1; kw++) {
              const p = row + (<usize> (kw * dW) << 2);
              store<f32>(p, <f32> (<f64> load<f32>(p) + g));
            }
          }
        } else {
          let s: f64 = 0;
          for (let kh = kh0; kh < kh1; kh++) {
            const row = xp + (<usize> ((bh + kh * dH) * W + bw) << 2);
            for (let kw = kw0; kw < kw1; kw++) s += <f64> load<f32>(row + (<usize> (kw * dW) << 2));
          }
          store<f32>(yAt, n > 0 ? <f32> (s / <f64> n) : 0);
        }
      }
    }
  }
}
