// AssemblyScript: fused optimizer updates. Plain f32x4 multiplies and adds (no fused
// multiply-add), so each lane rounds exactly as the reference kernel and the unfused ops do.

/**
 * Adam over `n` float32 elements: reads θ, g, m, v at `p`, `g`, `m`, `v` and writes θ', m', v' at
 * `outP`, `outM`, `outV`. The constants come pre-rounded: b1 = β₁, c1 = 1 − β₁, b2, c2 likewise,
 * d1 = 1 − β₁ᵗ, d2 = 1 − β₂ᵗ, e = ε, rate = η.
 */
export function adam_f32(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  outP: usize,
  outM: usize,
  outV: usize,
  n: i32,
  b1: f32,
  c1: f32,
  b2: f32,
  c2: f32,
  d1: f32,
  d2: f32,
  e: f32,
  rate: f32,
): void {
  const vb1 = f32x4.splat(b1), vc1 = f32x4.splat(c1), vb2 = f32x4.splat(b2);
  const vc2 = f32x4.splat(c2), vd1 = f32x4.splat(d1), vd2 = f32x4.splat(d2);
  const ve = f32x4.splat(e), vrate = f32x4.splat(rate);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize> i << 2;
    const gi = v128.load(g + at);
    const mi = f32x4.add(f32x4.mul(v128.load(m + at), vb1), f32x4.mul(gi, vc1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + at), vb2), f32x4.mul(f32x4.mul(gi, gi), vc2));
    const root = f32x4.add(f32x4.sqrt(f32x4.div(vi, vd2)), ve);
    const stepSize = f32x4.mul(f32x4.div(f32x4.div(mi, vd1), root), vrate);
    v128.store(outP + at, f32x4.sub(v128.load(p + at), stepSize));
    v128.store(outM + at, mi);
    v128.store(outV + at, vi);
  }
  for (; i < n; i++) {
    const at = <usize> i << 2;
    const gi = load<f32>(g + at);
    const mi = load<f32>(m + at) * b1 + gi * c1;
    const vi = load<f32>(v + at) * b2 + gi * gi * c2;
    const stepSize = mi / d1 / (Mathf.sqrt(vi / d2) + e) * rate;
    store<f32>(outP + at, load<f32>(p + at) - stepSize);
    store<f32>(outM + at, mi);
    store<f32>(outV + at, vi);
  }
}
