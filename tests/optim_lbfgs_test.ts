/**
 * L-BFGS and its strong Wolfe line search: Rosenbrock's valley from the classic start, a convex
 * quadratic in at most n + 1 iterations, a loss that never goes up, several parameters of mixed
 * shapes and dtypes, weight decay, and the error messages.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  liveTensors,
  mul,
  sum,
  type Tensor,
  tensor,
} from "../lib/mod.ts";
import { LBFGS } from "../lib/optim/mod.ts";
import { cubicMinimizer, strongWolfe } from "../lib/optim/line_search.ts";
import { randomTensor } from "./helpers/tfjs.ts";

/** The loss closure for `lossFn`, PyTorch style. */
function closureFor(opt: LBFGS, lossFn: () => Tensor): () => Tensor {
  return () => {
    opt.zeroGrad();
    const loss = lossFn();
    loss.backward();
    return loss;
  };
}

/** Rosenbrock's function 100·(y − x²)² + (1 − x)² of p = [x, y]; its minimum is 0 at (1, 1). */
function rosenbrock(p: Tensor): Tensor {
  const x = p.slice([0], [1]), y = p.slice([1], [1]);
  return y.sub(x.square()).square().mul(100).add(x.neg().add(1).square()).sum();
}

Deno.test("L-BFGS: Rosenbrock from (-1.2, 1) to within 1e-5 of (1, 1)", () => {
  const p = tensor([-1.2, 1], { dtype: "float64", requiresGrad: true });
  const opt = new LBFGS([p], { maxIter: 100, toleranceGrad: 1e-10, toleranceChange: 1e-14 });
  const start = opt.step(closureFor(opt, () => rosenbrock(p)));
  assertClose(start, 24.2, { rtol: 1e-12 }); // 100·(1 − 1.44)² + 2.2²
  assertClose(p, [1, 1], { rtol: 0, atol: 1e-5 });
  assert.ok(opt.iterations <= 60, `took ${opt.iterations} iterations`);
  assert.ok(opt.evaluations <= 100, `took ${opt.evaluations} evaluations`);
});

Deno.test("L-BFGS: in float32 too, since its algebra runs in float64 on the host", () => {
  const p = tensor([-1.2, 1], { requiresGrad: true });
  const opt = new LBFGS([p], { maxIter: 100, toleranceGrad: 1e-10, toleranceChange: 1e-14 });
  opt.step(closureFor(opt, () => rosenbrock(p)));
  assert.equal(p.dtype, "float32");
  assertClose(p, [1, 1], { rtol: 0, atol: 1e-5 });
});

Deno.test("L-BFGS: every iteration's loss is at most the one before", () => {
  const p = tensor([-1.2, 1], { dtype: "float64", requiresGrad: true });
  // One iteration per step(): each call returns the loss where the previous iteration ended.
  const opt = new LBFGS([p], { maxIter: 1 });
  const closure = closureFor(opt, () => rosenbrock(p));
  const losses = Array.from({ length: 60 }, () => opt.step(closure));
  for (let i = 1; i < losses.length; i++) {
    assert.ok(losses[i] <= losses[i - 1], `iteration ${i}: ${losses[i]} > ${losses[i - 1]}`);
  }
  assert.ok(losses.at(-1)! < 1e-6, `ends at ${losses.at(-1)}`);
});

/** A symmetric positive definite n×n matrix MᵀM + I (as rows), from a fixed seed. */
function spdMatrix(n: number, seed: number): number[][] {
  const m = randomTensor([n, n], seed).dataSync();
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) s += m[k * n + i] * m[k * n + j];
      return s;
    }));
}

Deno.test("L-BFGS: a convex quadratic in n variables is solved in at most n + 1 iterations", () => {
  const n = 6;
  const a = spdMatrix(n, 31);
  const solution = [1, -2, 0.5, 3, -1, 0.25];
  const b = a.map((row) => row.reduce((s, v, j) => s + v * solution[j], 0)); // b = A·x*
  const A = tensor(a, { dtype: "float64" }), B = tensor(b, { dtype: "float64" });
  const x = tensor(new Array(n).fill(0), { dtype: "float64", requiresGrad: true });
  // f(x) = ½·xᵀAx − bᵀx, minimised at x* = A⁻¹b. A tight curvature constant makes each line
  // search (nearly) exact, which gives conjugate-gradient behaviour.
  const f = () =>
    mul(x.unsqueeze(0).matmul(A).matmul(x.unsqueeze(1)).sum(), 0.5).sub(sum(mul(B, x)));
  const opt = new LBFGS([x], {
    maxIter: n + 1,
    maxEval: 100,
    curvature: 1e-3,
    toleranceGrad: 1e-9,
  });
  opt.step(closureFor(opt, f));
  assert.ok(opt.iterations <= n + 1, `took ${opt.iterations} iterations`);
  assertClose(x, solution, { rtol: 1e-6, atol: 1e-7 });
});

Deno.test("L-BFGS: parameters of several shapes and dtypes, and weight decay", () => {
  // Least squares y ≈ X·w + b over a float32 matrix and a float64 bias: at the optimum the
  // gradient vanishes.
  const X = randomTensor([20, 3], 41), Y = randomTensor([20, 1], 42);
  const w = randomTensor([3, 1], 43);
  w.requiresGrad = true;
  const b = tensor([0], { dtype: "float64", requiresGrad: true });
  const opt = new LBFGS({ w, b }, { maxIter: 50 });
  const loss = () => X.matmul(w).add(b).sub(Y).square().mean();
  const start = opt.step(closureFor(opt, loss));
  const end = loss().item();
  assert.ok(end < start, `loss went from ${start} to ${end}`);
  closureFor(opt, loss)();
  assertClose(w.grad!, [[0], [0], [0]], { atol: 1e-4 });
  assertClose(b.grad!, [0], { atol: 1e-4 });
  assert.equal(b.dtype, "float64");
  opt.zeroGrad();

  // With weight decay λ it minimises ½·Σ aᵢxᵢ² − Σxᵢ + (λ/2)·‖x‖², whose minimum is 1 / (aᵢ + λ).
  const coef = [1, 3, 0.5];
  const x = tensor([0, 0, 0], { dtype: "float64", requiresGrad: true });
  const decayed = new LBFGS([x], { weightDecay: 0.5, toleranceChange: 1e-15 });
  const quad = () => mul(sum(mul(tensor(coef, { dtype: "float64" }), x.square())), 0.5).sub(sum(x));
  decayed.step(closureFor(decayed, quad));
  assertClose(x, coef.map((c) => 1 / (c + 0.5)), { rtol: 1e-8 });
});

Deno.test("L-BFGS: state lives on the host; no tensors outlive a step, dispose clears history", () => {
  const p = tensor([-1.2, 1], { dtype: "float64", requiresGrad: true });
  const opt = new LBFGS([p], { maxIter: 3 });
  const closure = closureFor(opt, () => rosenbrock(p));
  opt.step(closure);
  const live = liveTensors().tensors;
  for (let i = 0; i < 5; i++) opt.step(closure);
  assert.equal(liveTensors().tensors, live);
  opt.dispose();
  assertThrowsWith(() => opt.step(closure), "LBFGS.step: this optimizer was disposed");
});

Deno.test("L-BFGS errors: no closure, a NaN loss, bad options", () => {
  const p = tensor([1, 2], { requiresGrad: true });
  const opt = new LBFGS([p]);
  assertThrowsWith(
    () => opt.step(),
    "LBFGS.step: needs a closure",
    "line search",
    "loss.backward(); return loss;",
  );
  assertThrowsWith(
    () => opt.step(closureFor(opt, () => p.log().sub(p.log()).div(0).sum())),
    "LBFGS.step: the loss contains NaN or Infinity",
    "lower the learning rate (now 1)",
  );
  assertThrowsWith(
    () => opt.step(closureFor(opt, () => p.sub(2).sqrt().sum())),
    "the loss contains NaN", // √(1 − 2) is NaN
  );
  // d√x/dx = 1/(2√x) is infinite at 0, though √0 is fine.
  const q = tensor([1, 0], { requiresGrad: true });
  const named = new LBFGS({ bias: p, weight: q });
  assertThrowsWith(
    () => named.step(closureFor(named, () => q.sqrt().sum().add(p.sum()))),
    "LBFGS.step: the gradient of 'weight' (shape [2]) contains NaN or Infinity",
  );
  assertThrowsWith(() => new LBFGS([p], { curvature: 1 }), "LBFGS: curvature must be in (1e-4, 1)");
  assertThrowsWith(() => new LBFGS([p], { maxIter: 0 }), "LBFGS: maxIter must be an integer >= 1");
  assertThrowsWith(() => new LBFGS([p], { lr: -1 }), "LBFGS: lr must be a finite number >= 0");
  assertThrowsWith(
    () => new LBFGS([tensor([1])]),
    "LBFGS: parameter 0 (shape [1]) does not require grad",
  );
});

// ---------------------------------------------------------------------------------------------
// The line search on its own, along one dimension (d = [1], so g·d = g).

/** φ(t) for a function f of one variable with derivative df, counting calls. */
function line(f: (t: number) => number, df: (t: number) => number) {
  const calls: number[] = [];
  const phi = (t: number) => {
    calls.push(t);
    return { f: f(t), g: Float64Array.of(df(t)) };
  };
  return { phi, calls };
}

const D = Float64Array.of(1);

Deno.test("strongWolfe: on a parabola, interpolation lands on the minimum", () => {
  // f(t) = (t − 3)², minimum at t = 3; starting at t = 1 it must extrapolate.
  const { phi, calls } = line((t) => (t - 3) ** 2, (t) => 2 * (t - 3));
  const r = strongWolfe(phi, D, 9, Float64Array.of(-6), -6, 1, { c2: 0.01 });
  assertClose(r.t, 3, { rtol: 1e-9 });
  assertClose(r.f, 0, { atol: 1e-12 });
  assert.equal(r.evals, calls.length);
  assert.ok(r.evals <= 4, `${r.evals} evaluations`);
  // Overshooting to t = 10 brackets, then zooms in.
  const over = strongWolfe(
    line((t) => (t - 3) ** 2, (t) => 2 * (t - 3)).phi,
    D,
    9,
    Float64Array.of(-6),
    -6,
    10,
    { c2: 0.01 },
  );
  assertClose(over.t, 3, { rtol: 1e-6 });
});

Deno.test("strongWolfe: the accepted step satisfies both conditions on a nonconvex line", () => {
  // f(t) = −t·e^(−t) + 0.1·sin(5t): wiggles on a slope, f′(0) = −1 + 0.5 < 0.
  const f = (t: number) => -t * Math.exp(-t) + 0.1 * Math.sin(5 * t);
  const df = (t: number) => (t - 1) * Math.exp(-t) + 0.5 * Math.cos(5 * t);
  for (const t0 of [0.01, 0.3, 1, 5, 40]) {
    const r = strongWolfe(line(f, df).phi, D, f(0), Float64Array.of(df(0)), df(0), t0);
    assert.ok(r.f <= f(0) + 1e-4 * r.t * df(0), `t0 = ${t0}: sufficient decrease`);
    assert.ok(Math.abs(df(r.t)) <= 0.9 * Math.abs(df(0)), `t0 = ${t0}: curvature`);
  }
});

Deno.test("strongWolfe: never returns a higher value, even when the function blows up", () => {
  // NaN beyond t = 0.5, like a loss that overflows when the step is too long.
  const f = (t: number) => (t > 0.5 ? NaN : (t - 0.2) ** 2);
  const df = (t: number) => (t > 0.5 ? NaN : 2 * (t - 0.2));
  const r = strongWolfe(line(f, df).phi, D, 0.04, Float64Array.of(-0.4), -0.4, 100);
  assert.ok(r.f <= 0.04 && Number.isFinite(r.f), `f = ${r.f}`);
  assert.ok(r.t > 0 && r.t <= 0.5, `t = ${r.t}`);
  // Out of evaluations, it falls back on the start rather than a worse point.
  const up = (t: number) => 1 + t, dUp = () => 1; // (a lying derivative: the line goes up)
  const worse = strongWolfe(line(up, dUp).phi, D, 1, Float64Array.of(-1), -1, 1, { maxEvals: 3 });
  assert.deepEqual([worse.t, worse.f], [0, 1]);
});

Deno.test("cubicMinimizer: exact for a cubic or quadratic, clamped, and safe without a minimum", () => {
  // (t − 1)² through t = 0 and t = 3, in either order.
  const a = { t: 0, f: 1, gtd: -2 }, b = { t: 3, f: 4, gtd: 4 };
  assertClose(cubicMinimizer(a, b), 1, { rtol: 1e-12 });
  assertClose(cubicMinimizer(b, a), 1, { rtol: 1e-12 });
  assert.equal(cubicMinimizer(a, b, [2, 5]), 2);
  // A cubic t³ − 3t has its local minimum at t = 1.
  const c = { t: 0, f: 0, gtd: -3 }, e = { t: 2, f: 2, gtd: 9 };
  assertClose(cubicMinimizer(c, e), 1, { rtol: 1e-12 });
  assert.equal(cubicMinimizer({ t: 0, f: 0, gtd: -1 }, { t: 2, f: NaN, gtd: NaN }), 1);
});
