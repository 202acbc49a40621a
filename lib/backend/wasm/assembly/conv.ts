// AssemblyScript: the data movement around convolution as GEMM (float32, NCHW). `im2col_f32` lays
// a block of images out as a column matrix, one row per (channel, kh, kw) tap and one column per
// (image, output position); `col2im_f32` sums such a matrix back into images (the adjoint);
// `to_rows_f32` and `from_rows_f32` move a block of [nb, O, P] images to and from the [O, nb·P]
// layout the GEMM reads and writes; `bias_act_f32` is the forward pass's epilogue. Each call covers
// a range of (image, channel) planes or images, so the worker pool can split a block; the ranges
// write disjoint memory.
//
// The window geometry comes as thirteen i32 at `geom` (too many for the task arguments):
// C, H, W, kH, kW, sH, sW, pt, pl, dH, dW, OH, OW.

/** Stores `n` zeros at `dst`. */
function zero(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize> i << 2), z);
  for (; i < n; i++) store<f32>(dst + (<usize> i << 2), 0);
}

/** Copies `n` floats from `src` to `dst` (no overlap). */
function copy(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize> i << 2), v128.load(src + (<usize> i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize> i << 2), load<f32>(src + (<usize> i << 2)));
}

/** Adds `n` floats at `src` into `dst`. */
function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = dst + (<usize> i << 2);
    v128.store(at, f32x4.add(v128.load(at), v128.load(src + (<usize> i << 2))));
  }
  for (; i < n; i++) {
    const at = dst + (<usize> i << 2);
    store<f32>(at, load<f32>(at) + load<f32>(src + (<usize> i << 2)));
  }
}

/** The first output index whose tap `o·s + off` is ≥ 0, clamped to [0, out]. */
function firstInside(off: i32, s: i32, out: i32): i32 {
  if (off >= 0) return 0;
  return min((-off + s - 1) / s, out);
}

/** One past the last output index whose tap `o·s + off` is < size, clamped to [0, out]. */
function endInside(off: i32, s: i32, size: i32, out: i32): i32 {
  if (size - off <= 0) return 0;
  return min((size - off + s - 1) / s, out);
}

/**
 * Writes the column rows of planes `[q0, q1)` of the image block at `x` ([nb, C, H, W]) into `col`
 * ([C·kH·kW, nb·OH·OW] with row stride `ldcol` floats): plane q is image q / C, channel q % C.
 */
export function im2col_f32(geom: usize, x: usize, col: usize, ldcol: i32, q0: i32, q1: i32): void {
  const C = load<i32>(geom), H = load<i32>(geom, 4), W = load<i32>(geom, 8);
  const kH = load<i32>(geom, 12), kW = load<i32>(geom, 16);
  const sH = load<i32>(geom, 20), sW = load<i32>(geom, 24);
  const pt = load<i32>(geom, 28), pl = load<i32>(geom, 32);
  const dH = load<i32>(geom, 36), dW = load<i32>(geom, 40);
  const OH = load<i32>(geom, 44), OW = load<i32>(geom, 48);
  const P = OH * OW;
  for (let q = q0; q < q1; q++) {
    const j = q / C, c = q % C;
    const src = x + (<usize> q * <usize> (H * W) << 2);
    for (let kh = 0; kh < kH; kh++) {
      for (let kw = 0; kw < kW; kw++) {
        const row = (c * kH + kh) * kW + kw;
        const dst = col + ((<usize> row * <usize> ldcol + <usize> (j * P)) << 2);
        const off = kw * dW - pl;
        const ow0 = firstInside(off, sW, OW), ow1 = max(ow0, endInside(off, sW, W, OW));
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * sH - pt + kh * dH;
          const d = dst + (<usize> (oh * OW) << 2);
          if (ih < 0 || ih >= H) {
            zero(d, OW);
            continue;
          }
          zero(d, ow0);
          const s = src + (<usize> (ih * W + off) << 2);
          if (sW == 1) {
            copy(d + (<usize> ow0 << 2), s + (<usize> ow0 << 2), ow1 - ow0);
          } else {
            for (let ow = ow0; ow < ow1; ow++) {
              store<f32>(d + (<usize> ow << 2), load<f32>(s + (<usize> (ow * sW) << 2)));
            }
          }
          zero(d + (<usize> ow1 << 2), OW - ow1);
        }
      }
    }
  }
}

/**
 * The adjoint of {@link im2col_f32}: sets planes `[q0, q1)` of the image block at `dx` to the sum of
 * their taps' entries in `col`. Positions no tap reaches become zero.
 */
export function col2im_f32(geom: usize, col: usize, dx: usize, ldcol: i32, q0: i32, q1: i32): void {
  const C = load<i32>(geom), H = load<i32>(geom, 4), W = load<i32>(geom, 8);
  const kH = load<i32>(geom, 12), kW = load<i32>(geom, 16);
  const sH = load<i32>(geom, 20), sW = load<i32>(geom, 24);
  const pt = load<i32>(geom, 28), pl = load<i32>(geom, 32);
  const dH = load<i32>(geom, 36), dW = load<i32>(geom, 40);
  const OH = load<i32>(geom, 44), OW = load<i32>(geom, 48);
  const P = OH * OW;
  for (let q = q0; q < q1; q++) {
    const j = q / C, c = q % C;
    const plane = dx + (<usize> q * <usize> (H * W) << 2);
    zero(plane, H * W);
    for (let kh = 0; kh < kH; kh++) {
      for (let kw = 0; kw < kW; kw++) {
        const row = (c * kH + kh) * kW + kw;
        const src = col + ((<usize> row * <usize> ldcol + <usize> (j * P)) << 2);
        const off = kw * dW - pl;
        const ow0 = firstInside(off, sW, OW), ow1 = endInside(off, sW, W, OW);
        if (ow1 <= ow0) continue;
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * sH - pt + kh * dH;
          if (ih < 0 || ih >= H) continue;
          const s = src + (<usize> (oh * OW) << 2);
          const d = plane + (<usize> (ih * W + off) << 2);
          if (sW == 1) {
            addInto(d + (<usize> ow0 << 2), s + (<usize> ow0 << 2), ow1 - ow0);
          } else {
            for (let ow = ow0; ow < ow1; ow++) {
              const at = d + (<usize> (ow * sW) << 2);
              store<f32>(at, load<f32>(at) + load<f32>(s + (<usize> ow << 2)));
            }
          }
        }
      }
    }
  }
}

/** Copies images `[j0, j1)` of the block `src` ([nb, O, P]) into `dst` as [O, nb·P]. */
export function to_rows_f32(
  dst: usize,
  src: usize,
  O: i32,
  P: i32,
  nb: i32,
  j0: i32,
  j1: i32,
): void {
  for (let j = j0; j < j1; j++) {
    for (let o = 0; o < O; o++) {
      copy(
        dst + (<usize> (o * nb + j) * <usize> P << 2),
        src + (<usize> (j * O + o) * <usize> P << 2),
        P,
      );
    }
  }
}

/** Copies images `[j0, j1)` of `src` ([O, nb·P]) into the block `dst` as [nb, O, P]. */
export function from_rows_f32(
  dst: usize,
  src: usize,
  O: i32,
  P: i32,
  nb: i32,
  j0: i32,
  j1: i32,
): void {
  for (let j = j0; j < j1; j++) {
    for (let o = 0; o < O; o++) {
      copy(
        dst + (<usize> (j * O + o) * <usize> P << 2),
        src + (<usize> (o * nb + j) * <usize> P << 2),
        P,
      );
    }
  }
}

/**
 * The forward epilogue, in place on planes `[j0, j1)` of `y` ([N, O, P]): plane j (image j / O,
 * channel j % O) gets `bias[j % O]` added when `hasBias` is 1, then ReLU when `relu` is 1, as
 * `v < 0 ? 0 : v` so that NaN passes through like in the relu kernel.
 */
export function bias_act_f32(
  y: usize,
  bias: usize,
  hasBias: i32,
  relu: i32,
  O: i32,
  P: i32,
  j0: i32,
  j1: i32,
): void {
  const zero4 = f32x4.splat(0);
  for (let j = j0; j < j1; j++) {
    const b: f32 = hasBias ? load<f32>(bias + (<usize> (j % O) << 2)) : 0;
    const bv = f32x4.splat(b);
    const plane = y + (<usize> j * <usize> P << 2);
    let i = 0;
    for (; i + 4 <= P; i += 4) {
      const at = plane + (<usize> i << 2);
      let v = v128.load(at);
      if (hasBias) v = f32x4.add(v, bv);
      if (relu) v = v128.andnot(v, f32x4.lt(v, zero4));
      v128.store(at, v);
    }
    for (; i < P; i++) {
      const at = plane + (<usize> i << 2);
      let v = load<f32>(at);
      if (hasBias) v += b;
      store<f32>(at, relu && v < 0 ? 0 : v);
    }
  }
}
