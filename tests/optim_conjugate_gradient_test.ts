/**
 * Nonlinear conjugate gradients: a convex quadratic in at most n iterations (the linear CG
 * property), Rosenbrock's valley, a loss that never goes up, restarts, state across steps, weight
 * decay, and the error messages.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  ConjugateGradient,
  liveTensors,
  Rng,
  type Tensor,
  tensor,
} from "../lib/mod.ts";

/** The loss closure for `lossFn`, PyTorch style. */
function closureFor(opt: ConjugateGradient, lossFn: () => Tensor): () => Tensor {
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

/** A random symmetric positive definite n × n matrix MᵀM/n + 0.1·I, as rows. */
function spdMatrix(n: number, seed: number): number[][] {
  const rng = new Rng(seed);
  const m = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = i === j ? 0.1 : 0;
      for (let k = 0; k < n; k++) s += m[k][i] * m[k][j] / n;
      return s;
    }));
}

/** f(x) = ½·xᵀAx − bᵀx for the float64 matrix `a`, with minimiser x* = `solution`. */
function quadratic(a: number[][], solution: number[], x: Tensor): () => Tensor {
  const b = a.map((row) => row.reduce((s, v, j) => s + v * solution[j], 0));
  const A = tensor(a, { dtype: "float64" }), B = tensor(b, { dtype: "float64" });
  return () => x.unsqueeze(0).matmul(A).matmul(x.unsqueeze(1)).sum().mul(0.5).sub(x.mul(B).sum());
}

Deno.test("conjugate gradients: a convex quadratic in n variables within n iterations", () => {
  const n = 12;
  const a = spdMatrix(n, 5);
  const solution = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  const x = tensor(new Array(n).fill(0), { dtype: "float64", requiresGrad: true });
  // Line searches end at the minimum along each line up to rounding (cubic interpolation is exact
  // on a parabola), so the directions stay conjugate and n of them reach the minimum.
  const opt = new ConjugateGradient([x], { maxIter: 100, maxEval: 1000, toleranceGrad: 1e-6 });
  opt.step(closureFor(opt, quadratic(a, solution, x)));
  assert.ok(opt.iterations <= n, `took ${opt.iterations} iterations`);
  assertClose(x, solution, { rtol: 0, atol: 1e-5 });
});

Deno.test("conjugate gradients: Rosenbrock from (-1.2, 1) to within 1e-5 of (1, 1)", () => {
  const p = tensor([-1.2, 1], { dtype: "float64", requiresGrad: true });
  const opt = new ConjugateGradient([p], {
    maxIter: 500,
    maxEval: 5000,
    toleranceGrad: 1e-10,
    toleranceChange: 1e-15,
  });
  const start = opt.step(closureFor(opt, () => rosenbrock(p)));
  assertClose(start, 24.2, { rtol: 1e-12 });
  assertClose(p, [1, 1], { rtol: 0, atol: 1e-5 });
  // With n = 2 it restarts every other iteration, and still needs a few dozen iterations where
  // steepest descent needs thousands.
  assert.ok(opt.iterations <= 60, `took ${opt.iterations} iterations`);
});

Deno.test("conjugate gradients: every iteration's loss is at most the one before", () => {
  const p = tensor([-1.2, 1], { dtype: "float64", requiresGrad: true });
  // One iteration per step(): each call returns the loss where the previous iteration ended.
  const opt = new ConjugateGradient([p], { maxIter: 1, restartEvery: 10 });
  assert.equal(opt.restartEvery, 10);
  const closure = closureFor(opt, () => rosenbrock(p));
  const losses = Array.from({ length: 100 }, () => opt.step(closure));
  for (let i = 1; i < losses.length; i++) {
    assert.ok(losses[i] <= losses[i - 1], `iteration ${i}: ${losses[i]} > ${losses[i - 1]}`);
  }
  assert.ok(losses.at(-1)! < 1e-10, `ends at ${losses.at(-1)}`);
  // Once the gradient is below toleranceGrad, a step returns without iterating.
  assert.ok(opt.iterations < 100, `took ${opt.iterations} iterations`);
});

Deno.test("conjugate gradients: several parameters, float32, weight decay; no tensors kept", () => {
  // ½·Σ aᵢxᵢ² − Σxᵢ + (λ/2)·‖x‖² over two parameters has its minimum at 1 / (aᵢ + λ).
  const u = tensor([0, 0], { requiresGrad: true });
  const v = tensor([0], { dtype: "float64", requiresGrad: true });
  const opt = new ConjugateGradient({ u, v }, { weightDecay: 0.5, toleranceChange: 1e-15 });
  const loss = () =>
    u.square().mul(tensor([1, 3])).sum().add(v.square().mul(0.5).sum()).mul(0.5)
      .sub(u.sum()).sub(v.sum());
  const closure = closureFor(opt, loss);
  opt.step(closure);
  assertClose(u, [1 / 1.5, 1 / 3.5], { rtol: 1e-5 });
  assertClose(v, [1 / 1], { rtol: 1e-8 });
  assert.equal(u.dtype, "float32");
  const live = liveTensors().tensors;
  for (let i = 0; i < 3; i++) opt.step(closure);
  assert.equal(liveTensors().tensors, live);
  opt.dispose();
  assertThrowsWith(() => opt.step(closure), "ConjugateGradient.step: this optimizer was disposed");
});

Deno.test("conjugate gradients errors: no closure, a NaN loss, bad options", () => {
  const p = tensor([1, 2], { requiresGrad: true });
  const opt = new ConjugateGradient([p]);
  assertThrowsWith(
    () => opt.step(),
    "ConjugateGradient.step: needs a closure",
    "line search",
    "loss.backward(); return loss;",
  );
  assertThrowsWith(
    () => opt.step(closureFor(opt, () => p.sub(2).sqrt().sum())),
    "ConjugateGradient.step: the loss contains NaN or Infinity",
  );
  const q = tensor([1, 0], { requiresGrad: true });
  const named = new ConjugateGradient({ weight: q });
  assertThrowsWith(
    () => named.step(closureFor(named, () => q.sqrt().sum())),
    "ConjugateGradient.step: the gradient of 'weight' (shape [2]) contains NaN or Infinity",
  );
  assertThrowsWith(
    () => new ConjugateGradient([p], { curvature: 0 }),
    "ConjugateGradient: curvature must be in (1e-4, 1)",
  );
  assertThrowsWith(
    () => new ConjugateGradient([p], { restartEvery: 0.5 }),
    "ConjugateGradient: restartEvery must be an integer >= 1",
  );
  assertThrowsWith(
    () => new ConjugateGradient([p], { maxIter: 0 }),
    "ConjugateGradient: maxIter must be an integer >= 1",
  );
  assertThrowsWith(
    () => new ConjugateGradient([tensor([1])]),
    "ConjugateGradient: parameter 0 (shape [1]) does not require grad",
  );
});
