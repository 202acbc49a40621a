/**
 * First-order optimizers: each update rule against two steps worked out by hand (so state carries
 * from one step to the next), with and without weight decay; against TensorFlow.js's optimizers
 * over 20 steps of a small regression, or against a float64 reference where tfjs's formula differs;
 * flat memory over 100 steps; state snapshots; gradient clipping, penalties and max-norm; and the
 * error messages.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  type DType,
  fromArray,
  getBackend,
  liveTensors,
  mul,
  type NestedArray,
  noGrad,
  sum,
  type Tensor,
  tensor,
  tidy,
} from "../lib/mod.ts";
import {
  AdaDelta,
  AdaGrad,
  Adam,
  AdamW,
  clipGradNorm,
  clipGradValue,
  FirstOrderOptimizer,
  l1Penalty,
  l2Penalty,
  LBFGS,
  maxNorm,
  type Optimizer,
  RMSProp,
  SGD,
} from "../lib/optim/mod.ts";
import { randomTensor, tf, toTf } from "./helpers/tfjs.ts";

/** A leaf parameter (float64 by default, so hand arithmetic compares tightly). */
function param(values: NestedArray, dtype: DType = "float64"): Tensor {
  return tensor(values, { dtype, requiresGrad: true });
}

/** Gives `p` the gradient `g` and takes one step. */
function stepWith(opt: Optimizer, p: Tensor, g: number[]): void {
  p.zeroGrad();
  p.grad = tensor(g, { dtype: p.dtype });
  opt.step();
}

const tight = { rtol: 1e-12, atol: 1e-14 };

// Every hand-worked case starts at θ₀ = [1, -2] with gradients g₁ = [0.5, -1], then g₂ = [0.2, 0.4].
const G1 = [0.5, -1], G2 = [0.2, 0.4];

Deno.test("SGD: plain steps, by hand, with and without weight decay", () => {
  const p = param([1, -2]);
  const opt = new SGD([p], { lr: 0.1 });
  stepWith(opt, p, G1);
  assertClose(p, [1 - 0.1 * 0.5, -2 - 0.1 * -1], tight); // [0.95, -1.9]
  stepWith(opt, p, G2);
  assertClose(p, [0.95 - 0.1 * 0.2, -1.9 - 0.1 * 0.4], tight);

  // Weight decay λ = 0.1 adds λθ to the gradient: g₁' = [0.5 + 0.1, -1 - 0.2] = [0.6, -1.2].
  const q = param([1, -2]);
  const decayed = new SGD([q], { lr: 0.1, weightDecay: 0.1 });
  stepWith(decayed, q, G1);
  assertClose(q, [1 - 0.1 * 0.6, -2 - 0.1 * -1.2], tight); // [0.94, -1.88]
  stepWith(decayed, q, G2);
  // g₂' = [0.2 + 0.1·0.94, 0.4 + 0.1·-1.88] = [0.294, 0.212]
  assertClose(q, [0.94 - 0.1 * 0.294, -1.88 - 0.1 * 0.212], tight);
});

Deno.test("SGD: momentum, dampening and Nesterov steps, by hand", () => {
  const p = param([1, -2]);
  const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
  stepWith(opt, p, G1); // b₁ = g₁
  assertClose(p, [1 - 0.1 * 0.5, -2 - 0.1 * -1], tight); // [0.95, -1.9]
  stepWith(opt, p, G2); // b₂ = 0.9·b₁ + g₂ = [0.65, -0.5]
  assertClose(p, [0.95 - 0.1 * 0.65, -1.9 - 0.1 * -0.5], tight);

  const d = param([1, -2]);
  const damped = new SGD([d], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
  stepWith(damped, d, G1); // the first buffer is g₁ itself, undamped
  assertClose(d, [0.95, -1.9], tight);
  stepWith(damped, d, G2); // b₂ = 0.9·b₁ + 0.5·g₂ = [0.45 + 0.1, -0.9 + 0.2] = [0.55, -0.7]
  assertClose(d, [0.95 - 0.1 * 0.55, -1.9 - 0.1 * -0.7], tight);

  const n = param([1, -2]);
  const nesterov = new SGD([n], { lr: 0.1, momentum: 0.9, nesterov: true });
  stepWith(nesterov, n, G1); // θ₁ = θ₀ − 0.1·(g₁ + 0.9·b₁), b₁ = g₁
  assertClose(n, [1 - 0.1 * (0.5 + 0.45), -2 - 0.1 * (-1 - 0.9)], tight); // [0.905, -1.81]
  stepWith(nesterov, n, G2); // b₂ = [0.65, -0.5]; θ₂ = θ₁ − 0.1·(g₂ + 0.9·b₂)
  assertClose(n, [0.905 - 0.1 * (0.2 + 0.585), -1.81 - 0.1 * (0.4 - 0.45)], tight);

  // With weight decay the buffer accumulates the decayed gradient: g₁' = [0.6, -1.2].
  const w = param([1, -2]);
  const decayed = new SGD([w], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 });
  stepWith(decayed, w, G1);
  assertClose(w, [0.94, -1.88], tight);
  stepWith(decayed, w, G2); // g₂' = [0.294, 0.212]; b₂ = 0.9·[0.6, -1.2] + g₂' = [0.834, -0.868]
  assertClose(w, [0.94 - 0.1 * 0.834, -1.88 - 0.1 * -0.868], tight);
});

Deno.test("AdaGrad: steps by hand, with and without weight decay", () => {
  const eps = 1e-10;
  const p = param([1, -2]);
  const opt = new AdaGrad([p], { lr: 0.1 });
  stepWith(opt, p, G1); // s₁ = g₁² = [0.25, 1]
  const t1 = [1 - 0.1 * 0.5 / (Math.sqrt(0.25) + eps), -2 - 0.1 * -1 / (Math.sqrt(1) + eps)];
  assertClose(p, t1, tight);
  stepWith(opt, p, G2); // s₂ = s₁ + g₂² = [0.29, 1.16]
  assertClose(p, [
    t1[0] - 0.1 * 0.2 / (Math.sqrt(0.29) + eps),
    t1[1] - 0.1 * 0.4 / (Math.sqrt(1.16) + eps),
  ], tight);

  // s₀ = 0.1 and λ = 0.1: g₁' = [0.6, -1.2], s₁ = [0.1 + 0.36, 0.1 + 1.44] = [0.46, 1.54].
  const q = param([1, -2]);
  const decayed = new AdaGrad([q], { lr: 0.1, initialAccumulatorValue: 0.1, weightDecay: 0.1 });
  stepWith(decayed, q, G1);
  const u1 = [1 - 0.1 * 0.6 / (Math.sqrt(0.46) + eps), -2 - 0.1 * -1.2 / (Math.sqrt(1.54) + eps)];
  assertClose(q, u1, tight);
  stepWith(decayed, q, G2);
  const g2 = [0.2 + 0.1 * u1[0], 0.4 + 0.1 * u1[1]];
  const s2 = [0.46 + g2[0] ** 2, 1.54 + g2[1] ** 2];
  assertClose(q, u1.map((u, i) => u - 0.1 * g2[i] / (Math.sqrt(s2[i]) + eps)), tight);
});

Deno.test("RMSProp: plain, weight-decayed, and centered with momentum, by hand", () => {
  const eps = 1e-8;
  const p = param([1, -2]);
  const opt = new RMSProp([p], { lr: 0.01, decay: 0.9 });
  stepWith(opt, p, G1); // v₁ = 0.1·g₁² = [0.025, 0.1]
  const t1 = [1 - 0.01 * 0.5 / (Math.sqrt(0.025) + eps), -2 - 0.01 * -1 / (Math.sqrt(0.1) + eps)];
  assertClose(p, t1, tight);
  stepWith(opt, p, G2); // v₂ = 0.9·v₁ + 0.1·g₂² = [0.0265, 0.106]
  assertClose(p, [
    t1[0] - 0.01 * 0.2 / (Math.sqrt(0.0265) + eps),
    t1[1] - 0.01 * 0.4 / (Math.sqrt(0.106) + eps),
  ], tight);

  const w = param([1, -2]);
  const decayed = new RMSProp([w], { lr: 0.01, decay: 0.9, weightDecay: 0.1 });
  stepWith(decayed, w, G1); // g₁' = [0.6, -1.2]; v₁ = [0.036, 0.144]
  const w1 = [
    1 - 0.01 * 0.6 / (Math.sqrt(0.036) + eps),
    -2 - 0.01 * -1.2 / (Math.sqrt(0.144) + eps),
  ];
  assertClose(w, w1, tight);
  stepWith(decayed, w, G2);
  const g2 = [0.2 + 0.1 * w1[0], 0.4 + 0.1 * w1[1]];
  const v2 = [0.9 * 0.036 + 0.1 * g2[0] ** 2, 0.9 * 0.144 + 0.1 * g2[1] ** 2];
  assertClose(w, w1.map((x, i) => x - 0.01 * g2[i] / (Math.sqrt(v2[i]) + eps)), tight);

  const c = param([1, -2]);
  const centered = new RMSProp([c], { lr: 0.01, decay: 0.9, momentum: 0.5, centered: true });
  stepWith(centered, c, G1);
  // v₁ = [0.025, 0.1], m₁ = 0.1·g₁ = [0.05, -0.1], v̂₁ = v₁ − m₁² = [0.0225, 0.09];
  // b₁ = g₁ / (√v̂₁ + ε)
  const b1 = [0.5 / (Math.sqrt(0.0225) + eps), -1 / (Math.sqrt(0.09) + eps)];
  const c1 = [1 - 0.01 * b1[0], -2 - 0.01 * b1[1]];
  assertClose(c, c1, tight);
  stepWith(centered, c, G2);
  // v₂ = [0.0265, 0.106], m₂ = 0.9·m₁ + 0.1·g₂ = [0.065, -0.05], v̂₂ = [0.022275, 0.1035];
  // b₂ = 0.5·b₁ + g₂ / (√v̂₂ + ε)
  const b2 = [
    0.5 * b1[0] + 0.2 / (Math.sqrt(0.022275) + eps),
    0.5 * b1[1] + 0.4 / (Math.sqrt(0.1035) + eps),
  ];
  assertClose(c, [c1[0] - 0.01 * b2[0], c1[1] - 0.01 * b2[1]], tight);
});

Deno.test("Adam: steps by hand with bias correction, with and without weight decay", () => {
  const eps = 1e-8;
  const p = param([1, -2]);
  const opt = new Adam([p], { lr: 0.01 });
  stepWith(opt, p, G1);
  // m₁ = 0.1·g₁, v₁ = 0.001·g₁²; corrected: m̂ = m₁/0.1 = g₁, v̂ = v₁/0.001 = g₁²
  const t1 = [1 - 0.01 * 0.5 / (0.5 + eps), -2 - 0.01 * -1 / (1 + eps)];
  assertClose(p, t1, tight);
  stepWith(opt, p, G2);
  // m₂ = 0.9·[0.05, -0.1] + 0.1·g₂ = [0.065, -0.05]; v₂ = 0.999·[0.00025, 0.001] + 0.001·g₂²
  //    = [0.00028975, 0.001159]; m̂ = m₂ / (1 − 0.9²), v̂ = v₂ / (1 − 0.999²)
  const mHat = [0.065 / 0.19, -0.05 / 0.19];
  const vHat = [0.00028975 / (1 - 0.999 ** 2), 0.001159 / (1 - 0.999 ** 2)];
  const t2 = t1.map((t, i) => t - 0.01 * mHat[i] / (Math.sqrt(vHat[i]) + eps));
  assertClose(p, t2, tight);

  // L2 weight decay goes through the moments: g₁' = [0.6, -1.2], whose first step is −0.01·sign.
  const q = param([1, -2]);
  const decayed = new Adam([q], { lr: 0.01, weightDecay: 0.1 });
  stepWith(decayed, q, G1);
  const u1 = [1 - 0.01 * 0.6 / (0.6 + eps), -2 - 0.01 * -1.2 / (1.2 + eps)];
  assertClose(q, u1, tight);
  stepWith(decayed, q, G2);
  const g2 = [0.2 + 0.1 * u1[0], 0.4 + 0.1 * u1[1]];
  const m2 = [0.9 * 0.06 + 0.1 * g2[0], 0.9 * -0.12 + 0.1 * g2[1]];
  const v2 = [0.999 * 0.00036 + 0.001 * g2[0] ** 2, 0.999 * 0.00144 + 0.001 * g2[1] ** 2];
  assertClose(
    q,
    u1.map((u, i) => u - 0.01 * (m2[i] / 0.19) / (Math.sqrt(v2[i] / (1 - 0.999 ** 2)) + eps)),
    tight,
  );
});

Deno.test("AdamW: the decay shrinks the weights, and leaves Adam's moments alone", () => {
  const eps = 1e-8;
  const p = param([1, -2]);
  const opt = new AdamW([p], { lr: 0.01, weightDecay: 0.1 });
  stepWith(opt, p, G1);
  // θ ← θ·(1 − 0.01·0.1), then Adam's step on the plain gradient
  const t1 = [1 * 0.999 - 0.01 * 0.5 / (0.5 + eps), -2 * 0.999 - 0.01 * -1 / (1 + eps)];
  assertClose(p, t1, tight);
  stepWith(opt, p, G2); // the same m̂, v̂ as Adam without decay
  const mHat = [0.065 / 0.19, -0.05 / 0.19];
  const vHat = [0.00028975 / (1 - 0.999 ** 2), 0.001159 / (1 - 0.999 ** 2)];
  assertClose(p, t1.map((t, i) => t * 0.999 - 0.01 * mHat[i] / (Math.sqrt(vHat[i]) + eps)), tight);

  assert.equal(new AdamW([param([1])]).weightDecay, 0.01, "AdamW decays by default");
  // Without decay AdamW is Adam.
  const a = param([1, -2]), b = param([1, -2]);
  const adam = new Adam([a], { lr: 0.01 }), adamW = new AdamW([b], { lr: 0.01, weightDecay: 0 });
  for (const g of [G1, G2, G1]) {
    stepWith(adam, a, g);
    stepWith(adamW, b, g);
  }
  assertClose(b, a, tight);
});

Deno.test("AdaDelta: steps by hand, with and without weight decay", () => {
  const eps = 1e-6;
  const p = param([1, -2]);
  const opt = new AdaDelta([p], { rho: 0.9 });
  stepWith(opt, p, G1);
  // v₁ = 0.1·g₁² = [0.025, 0.1]; Δ₁ = √(0 + ε)/√(v₁ + ε)·g₁; u₁ = 0.1·Δ₁²; θ₁ = θ₀ − Δ₁ (η = 1)
  const d1 = [
    Math.sqrt(eps) / Math.sqrt(0.025 + eps) * 0.5,
    Math.sqrt(eps) / Math.sqrt(0.1 + eps) * -1,
  ];
  const u1 = d1.map((d) => 0.1 * d * d);
  const t1 = [1 - d1[0], -2 - d1[1]];
  assertClose(p, t1, tight);
  stepWith(opt, p, G2);
  // v₂ = [0.0265, 0.106]; Δ₂ = √(u₁ + ε)/√(v₂ + ε)·g₂
  const d2 = [
    Math.sqrt(u1[0] + eps) / Math.sqrt(0.0265 + eps) * 0.2,
    Math.sqrt(u1[1] + eps) / Math.sqrt(0.106 + eps) * 0.4,
  ];
  assertClose(p, [t1[0] - d2[0], t1[1] - d2[1]], tight);

  const q = param([1, -2]);
  const decayed = new AdaDelta([q], { lr: 0.5, weightDecay: 0.1 });
  stepWith(decayed, q, G1); // g₁' = [0.6, -1.2], v₁ = [0.036, 0.144]
  const e1 = [
    Math.sqrt(eps) / Math.sqrt(0.036 + eps) * 0.6,
    Math.sqrt(eps) / Math.sqrt(0.144 + eps) * -1.2,
  ];
  const q1 = [1 - 0.5 * e1[0], -2 - 0.5 * e1[1]];
  assertClose(q, q1, tight);
  stepWith(decayed, q, G2);
  const g2 = [0.2 + 0.1 * q1[0], 0.4 + 0.1 * q1[1]];
  const v2 = [0.9 * 0.036 + 0.1 * g2[0] ** 2, 0.9 * 0.144 + 0.1 * g2[1] ** 2];
  const e2 = g2.map((g, i) => Math.sqrt(0.1 * e1[i] ** 2 + eps) / Math.sqrt(v2[i] + eps) * g);
  assertClose(q, [q1[0] - 0.5 * e2[0], q1[1] - 0.5 * e2[1]], tight);
});

// ---------------------------------------------------------------------------------------------
// Against TensorFlow.js: 20 steps of least squares, y ≈ X·w + b, from the same start.

const X = randomTensor([16, 3], 11);
const Y = randomTensor([16, 1], 12);
const W0 = randomTensor([3, 1], 13);
const B0 = randomTensor([1], 14);

/** w and b after `steps` steps of our optimizer on the regression's mean squared error. */
function trainOurs(make: (params: Tensor[]) => Optimizer, steps = 20): Tensor[] {
  const w = fromArray(W0.dataSync(), W0.shape, { requiresGrad: true });
  const b = fromArray(B0.dataSync(), B0.shape, { requiresGrad: true });
  const opt = make([w, b]);
  for (let i = 0; i < steps; i++) {
    tidy(() => {
      opt.zeroGrad();
      X.matmul(w).add(b).sub(Y).square().mean().backward();
      opt.step();
    });
  }
  opt.dispose();
  return [w, b];
}

/** The same with a tfjs optimizer. */
async function trainTf(opt: tf.Optimizer, steps = 20): Promise<tf.Tensor[]> {
  const x = await toTf(X), y = await toTf(Y);
  const w = tf.variable(await toTf(W0)), b = tf.variable(await toTf(B0));
  for (let i = 0; i < steps; i++) {
    opt.minimize(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar);
  }
  opt.dispose();
  tf.dispose([x, y]);
  return [w, b];
}

async function assertMatchesTf(
  name: string,
  make: (params: Tensor[]) => Optimizer,
  theirs: tf.Optimizer,
): Promise<void> {
  const ours = trainOurs(make);
  const want = await trainTf(theirs);
  ours.forEach((p, i) => {
    // They must have moved, or the comparison proves nothing.
    assert.ok(Math.abs(p.dataSync()[0] - [W0, B0][i].dataSync()[0]) > 1e-3, `${name} moved`);
    assertClose(p, want[i].dataSync() as Float32Array, {
      rtol: 2e-4,
      atol: 2e-5,
      message: `${name}, ${["w", "b"][i]}`,
    });
  });
  tf.dispose(want);
}

Deno.test("SGD matches tf.train.sgd and tf.train.momentum (heavy-ball and Nesterov)", async () => {
  await assertMatchesTf("sgd", (ps) => new SGD(ps, { lr: 0.1 }), tf.train.sgd(0.1));
  await assertMatchesTf(
    "momentum",
    (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9 }),
    tf.train.momentum(0.05, 0.9),
  );
  await assertMatchesTf(
    "nesterov",
    (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true }),
    tf.train.momentum(0.05, 0.9, true),
  );
});

Deno.test("AdaGrad matches tf.train.adagrad with its initial accumulator of 0.1", async () => {
  // tfjs adds its ε (1e-7) inside the root; with s ≥ 0.1 that changes nothing at float32 precision.
  await assertMatchesTf(
    "adagrad",
    (ps) => new AdaGrad(ps, { lr: 0.2, initialAccumulatorValue: 0.1 }),
    tf.train.adagrad(0.2, 0.1),
  );
});

Deno.test("RMSProp matches tf.train.rmsprop: plain, with momentum, centered", async () => {
  // tfjs takes ε inside the root (and its centered form subtracts it); with ε = 1e-10 both forms
  // agree to float32 precision, since v stays far above ε. Decay 0.9 is tfjs's default.
  for (const [momentum, centered] of [[0, false], [0.5, false], [0.5, true]] as const) {
    await assertMatchesTf(
      `rmsprop momentum=${momentum} centered=${centered}`,
      (ps) => new RMSProp(ps, { lr: 0.01, decay: 0.9, momentum, centered, eps: 1e-10 }),
      tf.train.rmsprop(0.01, 0.9, momentum, 1e-10, centered),
    );
  }
});

Deno.test("Adam matches tf.train.adam", async () => {
  await assertMatchesTf(
    "adam",
    (ps) => new Adam(ps, { lr: 0.05, betas: [0.8, 0.99], eps: 1e-8 }),
    tf.train.adam(0.05, 0.8, 0.99, 1e-8),
  );
});

/**
 * AdaDelta and AdamW against a float64 reference on f(θ) = ½·Σ aᵢθᵢ² (gradient aᵢθᵢ) over 20 steps.
 * tfjs has no AdamW, and its AdaDelta divides by the root of the previous v rather than the
 * updated one (see AdaDelta's docs), so it is not a reference for PyTorch's rule.
 */
Deno.test("AdaDelta and AdamW follow a float64 reference over 20 steps", () => {
  const a = [1, 4, 0.25], start = [1, -2, 3];
  const run = (make: (ps: Tensor[]) => Optimizer) => {
    const p = param(start);
    const opt = make([p]);
    const coef = tensor(a, { dtype: "float64" });
    for (let i = 0; i < 20; i++) {
      tidy(() => {
        opt.zeroGrad();
        mul(sum(mul(coef, p.square())), 0.5).backward();
        opt.step();
      });
    }
    return p;
  };

  // AdaDelta, ρ = 0.9, ε = 1e-6, η = 1
  let theta = [...start], v = [0, 0, 0];
  const u = [0, 0, 0];
  for (let t = 0; t < 20; t++) {
    theta = theta.map((x, i) => {
      const g = a[i] * x;
      v[i] = 0.9 * v[i] + 0.1 * g * g;
      const delta = Math.sqrt(u[i] + 1e-6) / Math.sqrt(v[i] + 1e-6) * g;
      u[i] = 0.9 * u[i] + 0.1 * delta * delta;
      return x - delta;
    });
  }
  assertClose(run((ps) => new AdaDelta(ps)), theta, { rtol: 1e-10, atol: 1e-12 });

  // AdamW, η = 0.1, λ = 0.05, β = (0.9, 0.999), ε = 1e-8
  theta = [...start];
  const m = [0, 0, 0];
  v = [0, 0, 0];
  for (let t = 1; t <= 20; t++) {
    theta = theta.map((x, i) => {
      const g = a[i] * x;
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      const step = (m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
      return x * (1 - 0.1 * 0.05) - 0.1 * step;
    });
  }
  assertClose(run((ps) => new AdamW(ps, { lr: 0.1, weightDecay: 0.05 })), theta, {
    rtol: 1e-10,
    atol: 1e-12,
  });
});

// ---------------------------------------------------------------------------------------------

const EVERY_OPTIMIZER: [string, (ps: Tensor[]) => Optimizer][] = [
  ["SGD", (ps) => new SGD(ps, { lr: 0.01, weightDecay: 0.01 })],
  ["SGD+Nesterov", (ps) => new SGD(ps, { lr: 0.01, momentum: 0.9, nesterov: true })],
  ["AdaGrad", (ps) => new AdaGrad(ps)],
  ["RMSProp", (ps) => new RMSProp(ps, { momentum: 0.9, centered: true })],
  ["Adam", (ps) => new Adam(ps)],
  ["AdamW", (ps) => new AdamW(ps)],
  ["AdaDelta", (ps) => new AdaDelta(ps)],
  ["LBFGS", (ps) => new LBFGS(ps, { maxIter: 1 })],
];

Deno.test("memory: 100 steps of each optimizer stay flat after the first, and dispose frees state", () => {
  const w = randomTensor([3, 1], 21);
  w.requiresGrad = true;
  const b = tensor([0.5], { requiresGrad: true });
  const lossFn = () => X.matmul(w).add(b).sub(Y).square().mean();
  const closure = () => {
    w.zeroGrad();
    b.zeroGrad();
    const loss = lossFn();
    loss.backward();
    return loss;
  };
  for (const [name, make] of EVERY_OPTIMIZER) {
    const before = { tensors: liveTensors().tensors, ...getBackend().memory() };
    const opt = make([w, b]);
    const step = () => tidy(() => opt.step(closure));
    step();
    const first = { tensors: liveTensors().tensors, ...getBackend().memory() };
    for (let i = 0; i < 99; i++) step();
    assert.deepEqual(
      { tensors: liveTensors().tensors, ...getBackend().memory() },
      first,
      `${name}: steps 2 to 100 allocate nothing that lasts`,
    );
    opt.dispose();
    opt.zeroGrad();
    assert.deepEqual(
      { tensors: liveTensors().tensors, ...getBackend().memory() },
      before,
      `${name}: dispose() and zeroGrad() free everything the steps made`,
    );
    assert.ok(opt.isDisposed);
  }
});

Deno.test("step(closure) returns the loss; parameters without a gradient are left alone", () => {
  const p = param([1, -2]), frozen = param([5]);
  const opt = new SGD([p, frozen], { lr: 0.5 });
  const loss = opt.step(() => {
    opt.zeroGrad();
    const l = p.square().sum(); // 1 + 4
    l.backward();
    return l;
  });
  assert.equal(loss, 5);
  assertClose(p, [1 - 0.5 * 2, -2 - 0.5 * -4], tight); // g = 2θ
  assertClose(frozen, [5], tight);
  assert.equal(opt.step(), undefined, "without a closure, step() returns nothing");
  const snapshot = opt.stateDict();
  assert.equal(snapshot.params[1], null, "no state was made for the parameter without gradient");
});

Deno.test("stateDict / loadStateDict: a restored optimizer continues exactly", () => {
  const p = param([1, -2]), q = param([1, -2]);
  const a = new Adam([p], { lr: 0.01 });
  stepWith(a, p, G1);
  stepWith(a, p, G2);
  const snapshot = a.stateDict();
  assert.deepEqual(Object.keys(snapshot.params[0]!.buffers).sort(), ["m", "v"]);
  assert.equal(snapshot.params[0]!.step, 2);
  q.assign(p.detach());
  const b = new Adam([q], { lr: 0.5 });
  b.loadStateDict(snapshot);
  assert.equal(b.lr, 0.01, "the learning rate comes back too");
  // The snapshot is the caller's: disposing it leaves both optimizers working.
  for (const t of Object.values(snapshot.params[0]!.buffers)) t.dispose();
  for (const g of [G1, G2]) {
    stepWith(a, p, g);
    stepWith(b, q, g);
  }
  assertClose(q, p, tight);
  assertThrowsWith(
    () => new Adam([param([1, 2, 3])]).loadStateDict(a.stateDict()),
    "Adam.loadStateDict",
    "[2] float64",
    "[3] float64",
  );
  assertThrowsWith(
    () => new Adam([param([1]), param([2])]).loadStateDict(a.stateDict()),
    "state for 1 parameters but this optimizer has 2",
  );
});

// ---------------------------------------------------------------------------------------------

Deno.test("clipGradNorm: scales all gradients by one factor to the max norm; returns the norm", () => {
  const a = param([1, 1]), b = param([[1], [1]]);
  a.grad = tensor([3, 0], { dtype: "float64" });
  b.grad = tensor([[0], [4]], { dtype: "float64" });
  const norm = clipGradNorm([a, b], 1); // global norm √(9 + 16) = 5
  assertClose(norm, 5, tight);
  assertClose(a.grad, [0.6, 0], tight);
  assertClose(b.grad, [[0], [0.8]], tight);
  // Within the bound nothing changes, exactly; a parameter without gradient is skipped.
  const c = param([1]);
  const clipped = a.grad!.dataSync();
  assertClose(clipGradNorm([a, b, c], 2), 1, tight);
  assertClose(a.grad!, clipped, { rtol: 0, atol: 0 });
  assert.equal(c.grad, null);
  assertThrowsWith(() => clipGradNorm([a], 0), "clipGradNorm: maxNorm must be a finite number > 0");
});

Deno.test("clipGradValue clamps each element; clipping leaks no tensors", () => {
  const p = param([1, 2, 3]);
  p.grad = tensor([-5, 0.5, 7], { dtype: "float64" });
  const before = liveTensors().tensors;
  clipGradValue([p], 1);
  assertClose(p.grad, [-1, 0.5, 1], tight);
  clipGradNorm([p], 0.1).dispose();
  assert.equal(liveTensors().tensors, before);
  assertClose(p.grad!.square().sum().sqrt(), 0.1, { rtol: 1e-12 });
});

Deno.test("l1Penalty: λ·Σ|θ|, whose gradient is λ·sign(θ) (0 at 0)", () => {
  const a = param([-2, 0, 3]), b = param([[0.5]]);
  const penalty = l1Penalty({ a, b }, 0.1);
  assertClose(penalty, 0.1 * (2 + 0 + 3 + 0.5), tight);
  penalty.backward();
  assertClose(a.grad!, [-0.1, 0, 0.1], tight);
  assertClose(b.grad!, [[0.1]], tight);
});

Deno.test("l2Penalty: (λ/2)·Σθ² with gradient λθ, the same as SGD's weightDecay", () => {
  const a = param([1, -2]), b = param([1, -2]);
  const viaPenalty = new SGD([a], { lr: 0.1 }),
    viaDecay = new SGD([b], { lr: 0.1, weightDecay: 0.3 });
  for (const g of [G1, G2]) {
    tidy(() => {
      viaPenalty.zeroGrad();
      sum(mul(a, tensor(g, { dtype: "float64" }))).add(l2Penalty([a], 0.3)).backward();
      viaPenalty.step();
    });
    stepWith(viaDecay, b, g);
  }
  assertClose(a, b, tight);
  assertClose(l2Penalty([param([3, 4])], 0.5), 0.5 / 2 * 25, tight);
});

Deno.test("maxNorm renormalises the columns of a Linear weight that exceed the bound", () => {
  // Columns (one output unit each) have norms 5, 1 and 10.
  const w = param([[3, 1, 0], [4, 0, 10]]);
  maxNorm([w], 2);
  assertClose(w, [[3 * 2 / 5, 1, 0], [4 * 2 / 5, 0, 2]], tight);
  // A conv filter [out, in, kH, kW] takes one norm per output channel over axes 1, 2 and 3.
  const f = param([[[[3]], [[4]]], [[[0.3]], [[0.4]]]]);
  maxNorm([f], 1, [1, 2, 3]);
  assertClose(f, [[[[0.6]], [[0.8]]], [[[0.3]], [[0.4]]]], tight);
  // Rows instead of columns with axis 1.
  const r = param([[3, 4], [0.6, 0.8]]);
  maxNorm([r], 1, 1);
  assertClose(r, [[0.6, 0.8], [0.6, 0.8]], tight);
  assertThrowsWith(() => maxNorm([param([1, 2])], 1), "maxNorm: parameter 0 has shape [2]", "bias");
  assertThrowsWith(() => maxNorm([w], 1, 2), "maxNorm");
});

// ---------------------------------------------------------------------------------------------

Deno.test("errors: bad learning rates and hyperparameters name the option", () => {
  const p = param([1]);
  assertThrowsWith(
    () => new SGD([p], { lr: -0.1 }),
    "SGD: lr must be a finite number >= 0, got -0.1",
  );
  assertThrowsWith(
    () => new Adam([p], { lr: NaN }),
    "Adam: lr must be a finite number >= 0, got NaN",
  );
  const opt = new RMSProp([p]);
  assertThrowsWith(() => (opt.lr = -1), "RMSProp: lr must be a finite number >= 0, got -1");
  assert.equal(opt.lr, 0.01, "a rejected rate leaves the old one");
  assertThrowsWith(
    () => new SGD([p], { momentum: 1.5 }),
    "SGD: momentum must be in [0, 1), got 1.5",
  );
  assertThrowsWith(
    () => new SGD([p], { nesterov: true }),
    "SGD: Nesterov momentum needs momentum > 0 and dampening 0",
  );
  assertThrowsWith(() => new AdamW([p], { betas: [0.9, 1] }), "AdamW: betas[1] must be in [0, 1)");
  assertThrowsWith(
    () => new AdaGrad([p], { weightDecay: -1 }),
    "AdaGrad: weightDecay must be a finite number >= 0",
  );
});

Deno.test("errors: parameters that cannot be trained are rejected up front", () => {
  assertThrowsWith(
    () => new SGD([param([1]), tensor([1, 2])]),
    "SGD: parameter 1 (shape [2]) does not require grad",
    "{ requiresGrad: true }",
  );
  assertThrowsWith(
    () => new Adam(new Map([["bias", tensor([0])]])),
    "Adam: 'bias' (shape [1]) does not require grad",
  );
  assertThrowsWith(() => new SGD([]), "SGD: got an empty parameter list");
  const p = param([1]);
  assertThrowsWith(() => new SGD([p, p]), "parameter 1 (shape [1]) is listed twice");
  assertThrowsWith(() => new SGD([p.mul(2)]), "was computed by an op", "leaf tensors");
  const gone = param([1]);
  gone.dispose();
  assertThrowsWith(() => new SGD([gone]), "SGD: parameter 0 (shape [1]) was disposed");
});

Deno.test("errors: a NaN or infinite gradient names the parameter and leaves the weights alone", () => {
  const w = param([1, 2]), b = param([3]);
  const opt = new Adam({ weight: w, bias: b }, { lr: 0.1 });
  w.grad = tensor([0.1, 0.2], { dtype: "float64" });
  b.grad = tensor([NaN], { dtype: "float64" });
  assertThrowsWith(
    () => opt.step(),
    "Adam.step: the gradient of 'bias' (shape [1]) contains NaN or Infinity",
    "lower the learning rate (now 0.1)",
    "clipGradNorm",
  );
  assertClose(w, [1, 2], tight);
  b.grad = tensor([Infinity], { dtype: "float64" });
  assertThrowsWith(() => opt.step(), "'bias'");
  // The check can be switched off (it is off by default on GPU backends, where a read is slow).
  const unchecked = new SGD([w], { checkFinite: false });
  w.grad = tensor([NaN, 0], { dtype: "float64" });
  unchecked.step();
  assert.ok(Number.isNaN(w.dataSync()[0]));
});

Deno.test("errors: closures that return no loss or skip backward, and a disposed optimizer", () => {
  const p = param([1]);
  const opt = new SGD([p]);
  assertThrowsWith(
    () => opt.step(() => p.square()),
    "SGD.step: the closure returned the loss, but no parameter has a gradient",
    "loss.backward()",
  );
  assertThrowsWith(
    () => opt.step((() => undefined) as unknown as () => Tensor),
    "SGD.step: the closure must return the loss, a one-element tensor, got undefined",
  );
  // The closure records gradients even when step() is called inside noGrad.
  const loss = noGrad(() =>
    opt.step(() => {
      opt.zeroGrad();
      const l = p.square().sum();
      l.backward();
      return l;
    })
  );
  assert.equal(loss, 1);
  opt.dispose();
  assertThrowsWith(() => opt.step(), "SGD.step: this optimizer was disposed");
  assert.ok(opt instanceof FirstOrderOptimizer);
});
