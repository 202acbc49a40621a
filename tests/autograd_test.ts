/**
 * Reverse-mode autodiff: requiresGrad, backward and `.grad` accumulation, noGrad and detach, seeds,
 * errors, the functional API, deep graphs, and gradcheck itself. The file belongs to the shared op
 * suite: it runs on `cpu` and on `webgpu` (`tests/helpers/backend.ts`).
 */

import assert from "node:assert/strict";
import {
  add,
  assertCloseAsync,
  assertRejectsWith,
  assertThrowsWith,
  crossEntropy,
  enableGrad,
  grad,
  gradcheck,
  grads,
  isGradEnabled,
  liveTensors,
  noGrad,
  ones,
  scalar,
  type Tensor,
  tensor,
  tidy,
  valueAndGrad,
  valueAndGrads,
  zeroGrad,
  zeros,
} from "../lib/mod.ts";
import { record } from "../lib/autograd/graph.ts";
import { FLOAT64_ONLY, HAS_FLOAT64 } from "./helpers/backend.ts";

Deno.test("requiresGrad: only float tensors, with a message that says why", () => {
  const i = tensor([1, 2], { dtype: "int32" });
  assertThrowsWith(() => (i.requiresGrad = true), "requiresGrad", "int32", ".toFloat()");
  assert.equal(i.requiresGrad, false);
  assertThrowsWith(
    () => tensor([1, 2], { dtype: "int32", requiresGrad: true }),
    "int32 tensor cannot have a gradient",
  );
  const f = tensor([1, 2], { requiresGrad: true });
  assert.equal(f.requiresGrad, true);
  f.requiresGrad = false;
  assert.equal(f.requiresGrad, false);
  // A computed tensor cannot leave the graph by switching the flag off.
  const x = tensor([1, 2], { requiresGrad: true });
  const y = x.mul(2);
  assert.equal(y.requiresGrad, true);
  assert.ok(y.gradNode);
  assert.equal(y.gradNode.op, "mul");
  assertThrowsWith(() => (y.requiresGrad = false), "requiresGrad", ".detach()");
  // Ops on tensors that do not require grad record nothing.
  const z = tensor([1, 2]).mul(2);
  assert.equal(z.requiresGrad, false);
  assert.equal(z.gradNode, null);
});

Deno.test("backward accumulates into .grad; a second backward adds; zeroGrad clears", async () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  const w = tensor([0.5, -1, 2], { requiresGrad: true });
  const loss = x.mul(w).sum();
  assert.equal(x.grad, null);
  loss.backward();
  await assertCloseAsync(x.grad!, [0.5, -1, 2]);
  await assertCloseAsync(w.grad!, [1, 2, 3]);
  assert.equal(x.grad!.requiresGrad, false);
  assert.equal(x.grad!.gradNode, null);
  assert.deepEqual(x.grad!.shape, [3]);
  loss.backward();
  await assertCloseAsync(x.grad!, [1, -2, 4]);
  await assertCloseAsync(w.grad!, [2, 4, 6]);
  x.zeroGrad();
  assert.equal(x.grad, null);
  await assertCloseAsync(w.grad!, [2, 4, 6]);
  loss.backward();
  await assertCloseAsync(x.grad!, [0.5, -1, 2]);
  await assertCloseAsync(w.grad!, [3, 6, 9]);
  zeroGrad([x, w]);
  assert.equal(x.grad, null);
  assert.equal(w.grad, null);
  // Intermediates get no .grad: only leaves do.
  const h = x.mul(2);
  h.sum().backward();
  assert.equal(h.grad, null);
  await assertCloseAsync(x.grad!, [2, 2, 2]);
});

Deno.test("a tensor used twice gets both contributions: d(x*x + x)/dx = 2x + 1", async () => {
  const x = tensor([-1, 0, 2.5], { requiresGrad: true });
  x.mul(x).add(x).sum().backward();
  await assertCloseAsync(x.grad!, [-1, 1, 6]);
  // Through a shared intermediate too: y = x², f = y·y + y → f' = (2y + 1)·2x.
  const z = tensor([1, 2], { requiresGrad: true });
  const y = z.mul(z);
  y.mul(y).add(y).sum().backward();
  await assertCloseAsync(z.grad!, [(2 * 1 + 1) * 2, (2 * 4 + 1) * 4]);
  // x + x: one op whose two inputs are the same tensor.
  const u = tensor([3], { requiresGrad: true });
  add(u, u).sum().backward();
  await assertCloseAsync(u.grad!, [2]);
});

Deno.test("two leaves never share one gradient tensor", async () => {
  const a = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3, 4], { requiresGrad: true });
  a.add(b).sum().backward();
  assert.notEqual(a.grad, b.grad);
  a.zeroGrad();
  assert.equal(b.grad!.isDisposed, false);
  await assertCloseAsync(b.grad!, [1, 1]);
});

Deno.test("gradients through broadcasting and views", async () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  const b = tensor([1, 1, 1], { requiresGrad: true });
  x.add(b).transpose().slice([1]).mul(tensor([[1, 2], [3, 4]])).sum().backward();
  await assertCloseAsync(x.grad!, [[0, 1, 3], [0, 2, 4]]);
  await assertCloseAsync(b.grad!, [0, 3, 7]);
});

Deno.test("a float64 leaf gets a float64 gradient in double precision", FLOAT64_ONLY, async () => {
  const d = tensor([0.1, 0.2], { dtype: "float64", requiresGrad: true });
  d.mul(d).sum().backward();
  assert.equal(d.grad!.dtype, "float64");
  assert.equal((await d.grad!.data())[0], 0.2);
});

Deno.test("noGrad: results do not require grad; enableGrad turns recording back on", async () => {
  const x = tensor([1, 2], { requiresGrad: true });
  assert.equal(isGradEnabled(), true);
  const y = noGrad(() => {
    assert.equal(isGradEnabled(), false);
    const inner = enableGrad(() => x.mul(3));
    assert.equal(inner.requiresGrad, true);
    return x.mul(2).add(1);
  });
  assert.equal(isGradEnabled(), true);
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradNode, null);
  await assertCloseAsync(y, [3, 5]);
  assertThrowsWith(() => y.sum().backward(), "does not require grad", "noGrad");
  // An error inside noGrad restores recording.
  assert.throws(() =>
    noGrad(() => {
      throw new Error("boom");
    }), /boom/);
  assert.equal(isGradEnabled(), true);
  assertThrowsWith(() => noGrad(async () => {}), "async");
  assert.equal(isGradEnabled(), true);
});

Deno.test("detach shares storage, leaves the graph, and stops gradients", async () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  const d = x.detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(d.gradNode, null);
  assert.equal(d.storage, x.storage);
  const h = x.mul(2);
  const hd = h.detach();
  assert.equal(hd.requiresGrad, false);
  assert.equal(hd.gradNode, null);
  // f = x · detach(x): the detached factor is a constant, so df/dx = x, not 2x.
  x.mul(d).sum().backward();
  await assertCloseAsync(x.grad!, [1, 2, 3]);
});

Deno.test("backward: non-scalar needs a seed of its shape; misuse gives clear errors", async () => {
  const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const y = x.mul(x);
  assertThrowsWith(() => y.backward(), "shape [2, 2]", "single-element", "loss.mean()");
  assertThrowsWith(() => y.backward(ones([4])), "seed", "[4]", "[2, 2]");
  y.backward(tensor([[1, 0], [0.5, 2]]));
  await assertCloseAsync(x.grad!, [[2, 0], [3, 16]]);
  x.zeroGrad();
  // A one-element tensor of any rank is a loss.
  x.sum().reshape([1, 1]).backward();
  await assertCloseAsync(x.grad!, [[1, 1], [1, 1]]);
  // A leaf can be the root: its gradient is the seed.
  const s = scalar(3, { requiresGrad: true });
  s.backward();
  await assertCloseAsync(s.grad!, 1);
  assertThrowsWith(() => tensor([1]).backward(), "backward", "does not require grad");
});

Deno.test("backward through a disposed saved tensor says what happened", async () => {
  const x = tensor([1, 2], { requiresGrad: true });
  // exp(x) is freed by tidy, but mul's gradient with respect to x needs it.
  const y = tidy(() => x.exp().mul(x));
  const loss = y.sum();
  assertThrowsWith(
    () => loss.backward(),
    "backward through 'mul'",
    "was disposed",
    "call backward() inside the tidy() that computed the loss",
  );
  assert.equal(x.grad, null);
  // Within the same scope it works.
  tidy(() => x.exp().mul(x).sum().backward());
  await assertCloseAsync(x.grad!, [Math.E * 2, Math.exp(2) * 3], { rtol: 1e-5 });
});

Deno.test("functional grad / valueAndGrad: right values, and .grad untouched", async () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  x.mul(10).sum().backward();
  const before = x.grad;
  const g = grad((t) => t.mul(t).sum())(x);
  await assertCloseAsync(g, [2, 4, 6]);
  assert.equal(g.requiresGrad, false);
  const { value, grad: g2 } = valueAndGrad((t) => t.pow(3).sum())(x);
  await assertCloseAsync(value, 36);
  assert.equal(value.requiresGrad, false);
  await assertCloseAsync(g2, [3, 12, 27]);
  assert.equal(x.grad, before);
  await assertCloseAsync(x.grad!, [10, 10, 10]);
  // Works on tensors that do not require grad, and inside noGrad.
  const plain = tensor([1, -1]);
  await assertCloseAsync(noGrad(() => grad((t) => t.mul(t).sum())(plain)), [2, -2]);
  assert.equal(plain.requiresGrad, false);
  assert.equal(plain.grad, null);
});

Deno.test("functional grads / valueAndGrads: several arguments, a zero for an unused one", async () => {
  const a = tensor([[1, 2], [3, 4]]), b = tensor([0.5, -1]), c = tensor([7, 8, 9]);
  const [ga, gb, gc] = grads((x, y, _z) => x.mul(y).sum())(a, b, c);
  await assertCloseAsync(ga, [[0.5, -1], [0.5, -1]]);
  await assertCloseAsync(gb, [4, 6]);
  await assertCloseAsync(gc, [0, 0, 0]);
  assert.deepEqual(gc.shape, [3]);
  const vg = valueAndGrads((x, y) => x.matmul(y.reshape([2, 1])).sum())(a, b);
  await assertCloseAsync(vg.value, -4); // [1·0.5 - 2, 3·0.5 - 4] summed
  assert.equal(vg.grads.length, 2);
  // A parameter captured by the closure is not an argument: its .grad stays untouched.
  const w = tensor([2], { requiresGrad: true });
  const [gx] = grads((x) => x.mul(w).sum())(tensor([1, 1]));
  await assertCloseAsync(gx, [2, 2]);
  assert.equal(w.grad, null);
  // A constant function has zero gradients.
  await assertCloseAsync(grad(() => scalar(5))(tensor([1, 2])), [0, 0]);
  assertThrowsWith(
    () => grad(() => 5 as unknown as Tensor)(tensor([1])),
    "grad",
    "must return a Tensor",
  );
  assertThrowsWith(
    () => grad((t) => t.mul(2))(tensor([1, 2])),
    "backward",
    "single-element",
  );
  await assertCloseAsync(grad((t) => t.mul(2), tensor([1, 3]))(tensor([1, 2])), [2, 6]);
  // int32 arguments have no gradient: the message says how to pass labels instead.
  assertThrowsWith(
    () => grads((z, y) => crossEntropy(z, y))(tensor([[1, 2]]), tensor([1], { dtype: "int32" })),
    "grad: argument 1 is an int32 tensor",
    "closure",
  );
  const labels = tensor([1, 0], { dtype: "int32" });
  const gz = grad((z) => crossEntropy(z, labels, "sum"))(tensor([[0, 0], [0, 0]]));
  await assertCloseAsync(gz, [[0.5, -0.5], [-0.5, 0.5]]);
});

Deno.test("functional grad leaves nothing alive but its results", () => {
  const x = tensor([1, 2, 3]);
  const start = liveTensors().tensors;
  const g = grad((t) => t.exp().mul(t).sum())(x);
  assert.equal(liveTensors().tensors, start + 1);
  g.dispose();
  const { value, grads: gs } = valueAndGrads((p, q) => p.mul(q).sum())(x, x);
  assert.equal(liveTensors().tensors, start + 3);
  value.dispose();
  gs.forEach((t) => t.dispose());
  assert.equal(liveTensors().tensors, start);
});

Deno.test("deep chains: 5000 chained ops do not overflow the stack", async () => {
  const x = tensor([1, 2], { requiresGrad: true });
  tidy(() => {
    let y = x;
    for (let i = 0; i < 5000; i++) y = y.add(1);
    y.sum().backward();
  });
  await assertCloseAsync(x.grad!, [1, 1]);
  x.zeroGrad();
  tidy(() => {
    let y = x;
    for (let i = 0; i < 5000; i++) y = y.mul(1.0001);
    y.sum().backward();
  });
  await assertCloseAsync(x.grad!, [1.0001 ** 5000, 1.0001 ** 5000], { rtol: 1e-3 });
  const g = tidy(() =>
    grad((t) => {
      let y = t;
      for (let i = 0; i < 5000; i++) y = y.add(t);
      return y.sum();
    })(x)
  );
  await assertCloseAsync(g, [5001, 5001]);
});

/** A hand-made op whose rule forgets the factor 2 of d(x²)/dx: the wrong rule gradcheck must catch. */
const badSquare = (t: Tensor) =>
  record("badSquare", [t], noGrad(() => t.mul(t)), (g) => [g.mul(t)]);

/**
 * The largest error a check of a correct rule may show in each precision: far below the tolerance
 * in float64, and in float32 (step 1e-3) still well under its 1e-3 absolute floor.
 */
const MAX_ERROR = { float64: 1e-6, float32: 5e-4 } as const;

// Once in the backend's default precision (float64 on the cpu, float32 on the GPU), and once asking
// for float32, which must still catch the wrong rule on every backend.
for (const precision of [undefined, "float32"] as const) {
  const asked = precision ? ` with precision: "${precision}"` : "";
  Deno.test(`gradcheck${asked} passes correct rules and catches a wrong one`, async () => {
    const options = { precision };
    const expected = precision ?? (HAS_FLOAT64 ? "float64" : "float32");
    const x = tensor([[0.3, -0.7], [1.2, 0.1]]);
    const w = tensor([[0.5], [-1.5]]);
    const r = await gradcheck((a, b) => a.matmul(b).tanh().mul(a.sum()).sum(), [x, w], options);
    assert.equal(r.precision, expected);
    assert.equal(r.checked, 6);
    assert.ok(r.maxAbsError < MAX_ERROR[expected], `maxAbsError ${r.maxAbsError}`);
    await assertCloseAsync(grad((t) => badSquare(t).sum())(tensor([3])), [3]);
    await assertRejectsWith(
      () => gradcheck((t) => badSquare(t), [tensor([1, 2])], options),
      `gradcheck (${expected})`,
      "argument 0",
      "element 0",
    );
    // int32 arguments (labels) are passed through as constants, not differentiated.
    const logits = tensor([[1, 2, 3], [0.5, 0, -1]]);
    const y = tensor([2, 0], { dtype: "int32" });
    assert.equal((await gradcheck((z, t) => crossEntropy(z, t), [logits, y], options)).checked, 6);
    assert.equal(
      (await gradcheck((z, t) => z.gather(t, 1).square(), [logits, y], options)).checked,
      6,
    );
    await assertRejectsWith(
      () => gradcheck((z, t) => crossEntropy(z, t), [logits, y], { ...options, wrt: [1] }),
      "gradcheck",
      "argument 1",
      "int32",
    );
    // The check leaves no tensors behind.
    const z = zeros([3]);
    const start = liveTensors().tensors;
    await gradcheck((t) => t.exp().sum(), [z], options);
    assert.equal(liveTensors().tensors, start);
  });
}
