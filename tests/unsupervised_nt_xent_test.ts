/**
 * The NT-Xent loss: equal to a float64 reference written from the formula, low when each view's
 * partner is its nearest and high when it is not, with finite gradients, and clear errors.
 */

import assert from "node:assert/strict";
import { assertClose, fromArray, ntXentLoss, Rng, type Tensor } from "../lib/mod.ts";

/** NT-Xent in float64, straight from the definition. */
function reference(a: number[][], b: number[][], tau: number): number {
  const z = [...a, ...b].map((r) => {
    const n = Math.hypot(...r);
    return r.map((v) => v / n);
  });
  const n = a.length;
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const j = (i + n) % (2 * n);
    const s = (k: number) => z[i].reduce((acc, v, d) => acc + v * z[k][d], 0) / tau;
    let denominator = 0;
    for (let k = 0; k < 2 * n; k++) if (k !== i) denominator += Math.exp(s(k));
    total += -Math.log(Math.exp(s(j)) / denominator);
  }
  return total / (2 * n);
}

const rows = (rng: Rng, n: number, d: number) =>
  Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
const asTensor = (r: number[][]): Tensor => fromArray(r.flat(), [r.length, r[0].length]);

Deno.test("ntXentLoss equals the formula for several temperatures", () => {
  const rng = new Rng(0);
  const a = rows(rng, 6, 5), b = rows(rng, 6, 5);
  for (const tau of [0.1, 0.5, 1]) {
    assertClose(
      ntXentLoss(asTensor(a), asTensor(b), { temperature: tau }).item(),
      reference(a, b, tau),
      {
        rtol: 1e-4,
      },
    );
  }
  assertClose(ntXentLoss(asTensor(a), asTensor(b)).item(), reference(a, b, 0.5), { rtol: 1e-4 });
});

Deno.test("ntXentLoss is small when partners match and large when they are shuffled", () => {
  const rng = new Rng(1);
  const a = rows(rng, 8, 16);
  const nearCopies = a.map((r) => r.map((v) => v + 0.01 * rng.normal()));
  const matched = ntXentLoss(asTensor(a), asTensor(nearCopies), { temperature: 0.1 }).item();
  const shuffled = ntXentLoss(asTensor(a), asTensor([...nearCopies.slice(1), nearCopies[0]]), {
    temperature: 0.1,
  }).item();
  assert.ok(matched < 0.1, `matched pairs: ${matched}`);
  assert.ok(shuffled > 5, `shuffled pairs: ${shuffled}`);
  // It only sees directions: scaling a projection changes nothing.
  const scaled = ntXentLoss(asTensor(a.map((r) => r.map((v) => 7 * v))), asTensor(nearCopies), {
    temperature: 0.1,
  }).item();
  assertClose(scaled, matched, { rtol: 1e-3, atol: 1e-6 });
});

Deno.test("ntXentLoss has finite gradients, which pull partners together", () => {
  const rng = new Rng(2);
  const a = fromArray(rows(rng, 4, 3).flat(), [4, 3], { requiresGrad: true });
  const b = fromArray(rows(rng, 4, 3).flat(), [4, 3], { requiresGrad: true });
  const loss = ntXentLoss(a, b, { temperature: 0.2 });
  loss.backward();
  assert.ok(Array.from(a.grad!.dataSync()).every(Number.isFinite));
  // One small step against the gradient lowers the loss.
  const step = (t: Tensor) => t.detach().sub(t.grad!.mul(0.01));
  assert.ok(ntXentLoss(step(a), step(b), { temperature: 0.2 }).item() < loss.item());
});

Deno.test("ntXentLoss refuses mismatched batches, single pairs and bad temperatures", () => {
  const x = fromArray(new Float32Array(12).fill(1), [4, 3]);
  assert.throws(
    () => ntXentLoss(x, fromArray(new Float32Array(9).fill(1), [3, 3])),
    /two batches of projections of one shape \[B, D\], got \[4, 3\] and \[3, 3\]/,
  );
  assert.throws(
    () => ntXentLoss(fromArray([1, 2], [1, 2]), fromArray([1, 2], [1, 2])),
    /at least 2 pairs/,
  );
  assert.throws(
    () => ntXentLoss(x, x, { temperature: 0 }),
    /temperature must be a finite number > 0/,
  );
});
