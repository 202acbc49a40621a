/**
 * Memory: tidy scopes, keep, dispose, storage shared by views, a training loop that does not grow,
 * and the errors for disposed tensors and backends.
 */

import assert from "node:assert/strict";
import {
  assertRejectsWith,
  assertThrowsWith,
  backendName,
  getBackend,
  keep,
  listBackends,
  liveTensors,
  missingKernels,
  noGrad,
  randn,
  referenceKernels,
  registerBackend,
  registerKernels,
  runKernel,
  seed,
  setBackend,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from "../lib/mod.ts";
import { cpuBackend } from "../lib/backend/cpu/mod.ts";

/** Live tensors and backend storage now, to compare before and after. */
function snapshot() {
  const { storages, bytes } = getBackend().memory();
  return { tensors: liveTensors().tensors, storages, bytes };
}

Deno.test("tidy frees everything made inside, also after backward()", () => {
  const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const w = tensor([[0.5], [-1]], { requiresGrad: true });
  const start = snapshot();
  const out = tidy(() => {
    assert.equal(liveTensors().scopes, 1);
    const y = x.matmul(w).relu().add(1).square().mean();
    y.backward();
    assert.ok(liveTensors().tensors > start.tensors + 2);
    return 42;
  });
  assert.equal(out, 42);
  assert.equal(liveTensors().scopes, 0);
  // Only the two gradients (owned by their leaves) are new.
  assert.deepEqual(snapshot(), {
    tensors: start.tensors + 2,
    storages: start.storages + 2,
    bytes: start.bytes + 4 * (4 + 2),
  });
  x.zeroGrad();
  w.zeroGrad();
  assert.deepEqual(snapshot(), start);
  // A second backward accumulates without leaking the old gradients.
  for (let i = 0; i < 3; i++) tidy(() => x.matmul(w).sum().backward());
  assert.deepEqual(snapshot().tensors, start.tensors + 2);
  assert.deepEqual(snapshot().storages, start.storages + 2);
  assert.deepEqual(w.grad!.toArray(), [[12], [18]]);
  x.zeroGrad();
  w.zeroGrad();
  assert.deepEqual(snapshot(), start);
});

Deno.test("tidy: returned tensors survive, directly or inside arrays, objects and maps", () => {
  const x = tensor([1, 2, 3]);
  const start = snapshot();
  const single = tidy(() => x.mul(2).add(1));
  assert.deepEqual(single.toArray(), [3, 5, 7]);
  assert.equal(snapshot().tensors, start.tensors + 1);
  const nested = tidy(() => {
    const a = x.add(1), b = x.sub(1), c = x.neg();
    x.mul(100); // not returned
    return { pair: [a, { deep: b }] as const, map: new Map([["c", c]]), n: 3 };
  });
  assert.deepEqual(nested.pair[0].toArray(), [2, 3, 4]);
  assert.deepEqual(nested.pair[1].deep.toArray(), [0, 1, 2]);
  assert.deepEqual(nested.map.get("c")!.toArray(), [-1, -2, -3]);
  assert.equal(snapshot().tensors, start.tensors + 4);
  // A returned view keeps its storage; the base it viewed is freed as a tensor.
  const view = tidy(() => x.add(0).reshape([3, 1]).transpose());
  assert.deepEqual(view.toArray(), [[1, 2, 3]]);
  assert.equal(snapshot().tensors, start.tensors + 5);
  for (const t of [single, nested.pair[0], nested.map.get("c")!, view]) t.dispose();
  nested.pair[1].deep.dispose();
  assert.deepEqual(snapshot(), start);
  // Returning a tensor made outside the scope leaves it alone.
  assert.equal(tidy(() => x), x);
  assert.equal(x.isDisposed, false);
});

Deno.test("nested tidy: an inner result moves to the outer scope", () => {
  const start = snapshot();
  let inner: Tensor | undefined;
  const outer = tidy(() => {
    inner = tidy(() => {
      zeros([5]); // freed by the inner scope
      return zeros([2]).add(1);
    });
    assert.equal(inner.isDisposed, false);
    assert.equal(liveTensors().scopes, 1);
    return inner.mul(3);
  });
  assert.equal(inner!.isDisposed, true, "the outer scope freed what the inner one returned");
  assert.deepEqual(outer.toArray(), [3, 3]);
  outer.dispose();
  assert.deepEqual(snapshot(), start);
  // ... unless the outer scope returns it too.
  const both = tidy(() => {
    const a = tidy(() => zeros([1]));
    return [a, tidy(() => [a, zeros([2])])];
  });
  assert.equal(snapshot().tensors, start.tensors + 2);
  (both[0] as Tensor).dispose();
  (both[1] as Tensor[])[1].dispose();
  assert.deepEqual(snapshot(), start);
});

Deno.test("keep takes a tensor out of every enclosing scope", () => {
  const start = snapshot();
  let kept: Tensor | undefined, lost: Tensor | undefined;
  tidy(() => {
    tidy(() => {
      kept = keep(zeros([3]).add(2));
      lost = zeros([3]);
    });
  });
  assert.equal(lost!.isDisposed, true);
  assert.equal(kept!.isDisposed, false);
  assert.deepEqual(kept!.toArray(), [2, 2, 2]);
  assert.equal(snapshot().tensors, start.tensors + 1);
  kept!.dispose();
  assert.deepEqual(snapshot(), start);
});

Deno.test("tidy rejects async functions and frees what a throwing function made", async () => {
  const start = snapshot();
  assertThrowsWith(
    // deno-lint-ignore require-await
    () => tidy(async () => zeros([2])),
    "tidy() cannot take an async function",
    "await",
  );
  // An async function that fails after its first await must not surface later as an unhandled
  // rejection: tidy already reported the misuse.
  assertThrowsWith(
    () =>
      tidy(async () => {
        await Promise.resolve();
        throw new Error("late failure");
      }),
    "async function",
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(liveTensors().scopes, 0);
  assert.deepEqual(snapshot(), start);
  assert.throws(
    () =>
      tidy(() => {
        zeros([4]);
        throw new Error("inside");
      }),
    /inside/,
  );
  assert.equal(liveTensors().scopes, 0);
  assert.deepEqual(snapshot(), start);
});

Deno.test("dispose: twice is harmless; it frees the gradient too", () => {
  const start = snapshot();
  const t = zeros([4]);
  assert.equal(snapshot().storages, start.storages + 1);
  t.dispose();
  assert.equal(t.isDisposed, true);
  t.dispose();
  assert.deepEqual(snapshot(), start);
  const p = tensor([1, 2], { requiresGrad: true });
  tidy(() => p.mul(p).sum().backward());
  const g = p.grad!;
  tidy(() => {}); // no effect on it
  p.dispose();
  assert.equal(g.isDisposed, true);
  assert.equal(p.grad, null);
  assert.deepEqual(snapshot(), start);
});

Deno.test("views keep their storage alive until the last one is disposed", () => {
  const start = snapshot();
  const base = zeros([4, 8]);
  const bytes = 4 * 32;
  const t = base.transpose();
  const s = base.slice([1, 2], [2, 3]);
  const r = base.reshape([32]);
  const d = base.detach();
  assert.deepEqual(snapshot(), {
    tensors: start.tensors + 5,
    storages: start.storages + 1,
    bytes: start.bytes + bytes,
  });
  base.dispose();
  assert.equal(snapshot().storages, start.storages + 1);
  assert.deepEqual(s.toArray(), [[0, 0, 0], [0, 0, 0]]);
  for (const v of [t, s, r]) {
    v.dispose();
    assert.equal(snapshot().storages, start.storages + 1);
  }
  assert.deepEqual((d.toArray() as number[][])[3], [0, 0, 0, 0, 0, 0, 0, 0]);
  d.dispose();
  assert.deepEqual(snapshot(), start);
});

Deno.test("assign swaps a leaf's storage without leaking, and checks shape and dtype", () => {
  const p = zeros([2, 2], { requiresGrad: true });
  const start = snapshot();
  for (let i = 0; i < 5; i++) noGrad(() => tidy(() => p.assign(p.add(1))));
  assert.deepEqual(p.toArray(), [[5, 5], [5, 5]]);
  assert.equal(p.requiresGrad, true);
  assert.deepEqual(snapshot(), start);
  // From a view of a bigger storage: copies only the elements (bytes grow by 4 floats, not 16).
  const big = tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]);
  const before = snapshot();
  tidy(() => p.assign(big.slice([1, 1], [2, 2])));
  assert.deepEqual(p.toArray(), [[6, 7], [10, 11]]);
  assert.deepEqual(p.strides, [2, 1]);
  assert.equal(p.offset, 0);
  assert.equal(snapshot().bytes, before.bytes);
  assertThrowsWith(() => p.assign(zeros([4])), "assign", "[4] float32", "[2, 2] float32");
  assertThrowsWith(
    () => p.assign(zeros([2, 2], { dtype: "int32" })),
    "assign",
    "int32",
    "must match",
  );
  assertThrowsWith(() => p.mul(2).assign(zeros([2, 2])), "assign", "leaf");
});

Deno.test("a training loop grows neither live tensors nor backend bytes", () => {
  seed(3);
  const x = randn([64, 4]);
  const trueW = tensor([[1], [-2], [0.5], [3]]);
  const y = tidy(() => x.matmul(trueW).add(0.25));
  const w = zeros([4, 1], { requiresGrad: true });
  const b = zeros([1], { requiresGrad: true });
  const seen: ReturnType<typeof snapshot>[] = [];
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    losses.push(tidy(() => {
      const loss = x.matmul(w).add(b).sub(y).square().mean();
      loss.backward();
      noGrad(() => {
        for (const p of [w, b]) p.assign(p.sub(p.grad!.mul(0.1)));
      });
      w.zeroGrad();
      b.zeroGrad();
      return loss.item();
    }));
    seen.push(snapshot());
  }
  for (const s of seen) assert.deepEqual(s, seen[0]);
  assert.equal(liveTensors().scopes, 0);
  assert.ok(losses[19] < losses[0] / 10, `loss fell only from ${losses[0]} to ${losses[19]}`);
});

Deno.test("errors: ops and reads on a disposed tensor say it was disposed", async () => {
  const t = tensor([[1, 2], [3, 4]]);
  t.dispose();
  assertThrowsWith(() => t.add(1), "add", "shape [2, 2]", "was disposed");
  assertThrowsWith(() => t.sum(), "sum", "disposed");
  assertThrowsWith(() => t.matmul(t), "matmul", "disposed");
  assertThrowsWith(() => t.transpose(), "disposed");
  assertThrowsWith(() => t.dataSync(), "dataSync", "[2, 2]", "was disposed", "tidy()");
  assertThrowsWith(() => t.toArray(), "toArray", "disposed");
  assertThrowsWith(() => t.item(), "item", "disposed");
  await assertRejectsWith(() => t.data(), "data:", "disposed");
  assertThrowsWith(() => t.detach(), "detach", "disposed");
  assertThrowsWith(() => t.storage, "disposed");
  const inner = tidy(() => {
    const a = zeros([2]);
    return () => a.add(1);
  });
  assertThrowsWith(inner, "add", "disposed", "tidy() scope");
});

Deno.test("errors: unknown backends list the registered ones; missing kernels are reported", async () => {
  assert.equal(backendName(), "cpu");
  assert.deepEqual(listBackends(), ["webgpu", "cpu", "cpu-reference"]);
  await assertRejectsWith(() => setBackend("tpu"), "no backend named 'tpu'", "cpu");
  assertThrowsWith(
    () => missingKernels("tpu"),
    "no backend named 'tpu'",
    "registered backends: webgpu, cpu, cpu-reference",
  );
  assert.deepEqual(missingKernels("cpu"), []);
  assert.deepEqual(missingKernels("cpu-reference"), []);

  // A partial backend (the CPU's storage, only two kernels), as a new backend starts out.
  registerBackend("partial", () => ({ ...cpuBackend, name: "partial" }), { priority: -1 });
  registerKernels("partial", { fill: referenceKernels.fill, copy: referenceKernels.copy });
  assert.deepEqual(listBackends(), ["webgpu", "cpu", "cpu-reference", "partial"]);
  const made = zeros([2, 2]);
  try {
    const report = await setBackend("partial");
    assert.equal(report.name, "partial");
    assert.equal(backendName(), "partial");
    assert.ok(report.missingKernels.includes("matmul"));
    assert.ok(report.missingKernels.includes("conv2d"));
    assert.ok(!report.missingKernels.includes("fill"));
    assert.equal(report.missingKernels.length, 24 - 2);
    assertThrowsWith(
      () => runKernel("matmul", made, made, false, false),
      "kernel 'matmul' is not implemented on backend 'partial'",
      "setBackend('cpu')",
    );
    assertThrowsWith(() => made.add(1), "lives on backend 'cpu'", "active backend is 'partial'");
    await assertRejectsWith(
      () => setBackend("nope"),
      "registered backends: webgpu, cpu, cpu-reference, partial",
    );
  } finally {
    await setBackend("cpu");
  }
  assert.equal(backendName(), "cpu");
  assert.deepEqual(made.matmul(made).toArray(), [[0, 0], [0, 0]]);
});

Deno.test("a single-kernel op called outside tidy frees all its storage when its result is disposed", () => {
  const x = randn([2, 3, 4]);
  const y = randn([4, 5]);
  const v = randn([4]);
  const ops: [string, () => Tensor][] = [
    ["sum", () => x.sum(1)],
    ["max", () => x.max([0, 2])],
    ["min", () => x.min()],
    ["argmax", () => x.argmax(1)],
    ["matmul", () => x.matmul(y)],
    ["matmul of a transposed view", () => x.transpose([0, 2, 1]).matmul(x)],
    ["matmul with a vector", () => x.matmul(v)],
    ["reshape of a strided view", () => x.transpose().reshape([-1])],
  ];
  for (const [name, op] of ops) {
    const start = snapshot();
    const out = op();
    out.dispose();
    // Intermediate views (the transpose) are the caller's to free; storage must not outlive them.
    const after = snapshot();
    assert.equal(after.storages, start.storages, `${name} left backend storage behind`);
    assert.equal(after.bytes, start.bytes, `${name} left bytes behind`);
  }
});
