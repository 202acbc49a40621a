/**
 * The webgpu backend's runtime and elementwise kernels on the software adapter (llvmpipe): every
 * elementwise kernel against the cpu backend on views (transposed, sliced, broadcast) and special
 * values; fusion (a chain is one dispatch, bit for bit the unfused kernels; shared nodes computed
 * once; the limits of one kernel; inputs' buffers held until the chain runs); batching, buffer
 * reuse, and the errors for synchronous reads and float64.
 */

import assert from "node:assert/strict";
import {
  abs,
  add,
  assertRejectsWith,
  assertThrowsWith,
  cast,
  clip,
  crossEntropy,
  div,
  equal,
  exp,
  greater,
  leakyRelu,
  less,
  Linear,
  log,
  maximum,
  minimum,
  mul,
  neg,
  notEqual,
  pow,
  randn,
  ReLU,
  relu,
  Rng,
  seed,
  Sequential,
  setBackend,
  SGD,
  sigmoid,
  sign,
  softplus,
  sqrt,
  sub,
  tanh,
  type Tensor,
  tensor,
  tidy,
  where,
  zeros,
} from "../../lib/mod.ts";
import { onBackend } from "../helpers/backend.ts";
import { gpuRuntime } from "../../lib/backend/webgpu/mod.ts";
import { fusionLimits } from "../../lib/backend/webgpu/fusion.ts";
import { assertSameOnGpu, type HostTensor, make } from "./compare.ts";

const rng = new Rng(7);
/** Random values with the special ones mixed in. */
function values(n: number, scale = 3): number[] {
  const special = [0, -0, 1, -1, NaN, Infinity, -Infinity, 100, -100, 1e-30];
  return Array.from(
    { length: n },
    (_, i) => i % 7 === 3 ? special[i % special.length] : rng.normal() * scale,
  );
}
const host = (shape: number[], v?: number[]): HostTensor => ({
  shape,
  values: v ?? values(shape.reduce((a, b) => a * b, 1)),
});

Deno.test("webgpu elementwise: unary maps match the cpu, special values included", async () => {
  const x = host([5, 7]);
  const ops: [string, (t: Tensor) => Tensor][] = [
    ["neg", neg],
    ["exp", exp],
    ["log", (t) => log(abs(t))],
    ["sqrt", (t) => sqrt(abs(t))],
    ["abs", abs],
    ["sign", sign],
    ["relu", relu],
    ["sigmoid", sigmoid],
    ["tanh", tanh],
    ["softplus", softplus],
    ["leakyRelu", (t) => leakyRelu(t, 0.1)],
    ["clip", (t) => clip(t, -1, 2)],
  ];
  for (const [name, f] of ops) {
    await assertSameOnGpu([x], f, name, { rtol: 2e-6, atol: 1e-6 });
    await assertSameOnGpu([x], (t) => f(t.transpose()), `${name} of a transposed view`, {
      rtol: 2e-6,
      atol: 1e-6,
    });
  }
});

Deno.test("webgpu elementwise: binary ops and comparisons broadcast like the cpu", async () => {
  const a = host([4, 1, 6]), b = host([3, 1]);
  const ops: [string, (x: Tensor, y: Tensor) => Tensor][] = [
    ["add", add],
    ["sub", sub],
    ["mul", mul],
    ["div", div],
    ["maximum", maximum],
    ["minimum", minimum],
    ["equal", equal],
    ["notEqual", notEqual],
    ["less", less],
    ["greater", greater],
  ];
  for (const [name, f] of ops) await assertSameOnGpu([a, b], f, name);
  const base = host([2, 5], [2, -2, 0, -0.5, 4, 9, -8, 0, 1.5, -3]);
  const exponent = host([2, 5], [3, 3, 0, 2, -0.5, 0.5, 1 / 3, -1, 2.5, 2]);
  await assertSameOnGpu([base, exponent], pow, "pow, negative bases and zero", {
    rtol: 1e-5,
    atol: 1e-6,
  });
  const ints = { shape: [2, 3], values: [1, -2, 3, 4, 5, -6], dtype: "int32" as const };
  await assertSameOnGpu([ints, ints], (x, y) => add(mul(x, y), x), "int32 arithmetic");
  await assertSameOnGpu([ints], (x) => [neg(x), abs(x), sign(x)], "int32 unary");
});

Deno.test("webgpu elementwise: where, casts, slices and scalars", async () => {
  const c = host([3, 4]), a = host([3, 4]), b = host([4]);
  await assertSameOnGpu([c, a, b], (x, y, z) => where(greater(x, 0), y, z), "where");
  await assertSameOnGpu([a], (x) => cast(cast(x.mul(10), "int32"), "float32"), "float→int→float", {
    rtol: 0,
    atol: 0,
  });
  await assertSameOnGpu([host([6, 5])], (x) => x.slice([1, 2], [4, 2]).add(1), "a sliced view");
  await assertSameOnGpu([host([3])], (x) => x.add(2.5).mul(zeros([2, 3])), "fill and scalars");
});

/**
 * `compute`'s outputs on webgpu as bits, fused and with every kernel computed on its own (as
 * before fusion), with the dispatches each way took.
 */
async function fusedAndAlone(
  inputs: readonly HostTensor[],
  compute: (...xs: Tensor[]) => Tensor[],
): Promise<{ fused: Uint32Array[]; alone: Uint32Array[]; runs: number; runsAlone: number }> {
  return await onBackend("webgpu", async () => {
    const rt = gpuRuntime();
    const run = async () => {
      const xs = inputs.map(make);
      const runs = rt.runs;
      const outs = compute(...xs);
      const bits = await Promise.all(
        outs.map(async (t) => new Uint32Array((await t.data()).buffer)),
      );
      const took = rt.runs - runs;
      [...xs, ...outs].forEach((t) => t.dispose());
      return { bits, took };
    };
    const fused = await run();
    const limit = fusionLimits.nodes;
    fusionLimits.nodes = 1;
    try {
      const alone = await run();
      return { fused: fused.bits, alone: alone.bits, runs: fused.took, runsAlone: alone.took };
    } finally {
      fusionLimits.nodes = limit;
    }
  });
}

Deno.test("webgpu fusion: a chain of elementwise ops is one dispatch, bit for bit", async () => {
  const x = host([6, 8]), b = host([8]);
  const ints = {
    shape: [6, 8],
    values: values(48).map((v) => Math.round(v * 9) | 0),
    dtype: "int32" as const,
  };
  const chain = (t: Tensor, bias: Tensor, k: Tensor) => {
    // 15 nodes: 2 leaves (t is read once), 2 constants, 11 operations.
    const h = relu(t.mul(2).add(bias)).sub(t).exp();
    const masked = where(greater(t, 0), h, leakyRelu(t, 0.1)).clip(-3, 50).mul(sigmoid(t));
    // 21 nodes: 2 leaves, 4 constants, 15 operations.
    const counts = cast(abs(k.mul(3).sub(k)).add(cast(t.mul(10), "int32")), "float32");
    return [masked, counts.add(softplus(t).div(pow(abs(t).add(1), 0.5))).mul(tanh(t))];
  };
  const { fused, alone, runs, runsAlone } = await fusedAndAlone([x, b, ints], chain);
  assert.equal(runs, 2, "each chain, with its scalars and its casts, is one dispatch");
  assert.equal(runsAlone, 26, "without fusion each operation is a kernel");
  assert.deepEqual(fused, alone, "the same bits as the kernels one by one");
  await assertSameOnGpu([x, b, ints], chain, "the chains", { rtol: 2e-5, atol: 1e-5 });
  // Products next to sums are where a compiler would contract into FMAs, if it could.
  const [p, q, r] = [host([4096]), host([4096]), host([4096])];
  const sums = await fusedAndAlone([p, q, r], (a, c, d) => [
    a.mul(c).add(d),
    exp(a.mul(c)),
    log(abs(a.mul(c).sub(d.mul(a)))).mul(d).add(c),
  ]);
  assert.deepEqual(sums.fused, sums.alone, "products and sums round as in separate kernels");
});

Deno.test("webgpu fusion: a shared subexpression is computed once", async () => {
  // y ← sigmoid(y)·y ten times reads each y twice: as a tree it would be 2¹⁰ reads of x, past
  // the node limit many times over; as a DAG it is 21 nodes, one kernel.
  const deep = (t: Tensor) => {
    let y = t.add(0);
    for (let k = 0; k < 10; k++) y = sigmoid(y).mul(y);
    return [y];
  };
  const x = host([5, 7]);
  const { fused, alone, runs } = await fusedAndAlone([x], deep);
  assert.equal(runs, 1);
  assert.deepEqual(fused, alone);
  await assertSameOnGpu([x], (t) => deep(t)[0], "sigmoid(y)·y, ten times", {
    rtol: 1e-5,
    atol: 1e-6,
  });
});

Deno.test("webgpu fusion: the shader depends on the expression's structure, not its sizes", async () => {
  await onBackend("webgpu", async () => {
    const rt = gpuRuntime();
    const f = (x: Tensor, s: number) => tidy(() => relu(x.mul(s).add(x.transpose())).sum());
    const a = randn([16, 16]), b = randn([40, 40]);
    await f(a, 2).data();
    const pipelines = rt.pipelineCount;
    await f(b, -3.5).data();
    assert.equal(rt.pipelineCount, pipelines, "other sizes and scalars reuse the pipelines");
    a.dispose();
    b.dispose();
  });
});

Deno.test("webgpu fusion: views of deferred results, and the limits of one kernel", async () => {
  await onBackend("webgpu", async () => {
    const rt = gpuRuntime();
    const x = tensor(values(24)).reshape([4, 6]);
    /** The kernels that building and reading `make`'s tensor take, and its values. */
    const count = async (make: () => Tensor) => {
      const runs = rt.runs;
      const v = await make().data();
      return { runs: rt.runs - runs, v: Array.from(v) };
    };
    // Read transposed, a deferred result is computed on its own first; a constant joins whatever
    // its view (zeros broadcast from [1, 4]).
    let y = x;
    const z = () => (y = x.mul(2)).transpose().add(zeros([1, 4]));
    assert.equal((await count(z)).runs, 2, "y as z is built, then z reading y's buffer");
    assert.equal((await count(() => y)).runs, 0, "y was computed for z");
    // A reshape reads the whole result row-major: it joins.
    assert.equal((await count(() => x.mul(3).reshape([24]).add(1))).runs, 1);
    // 60 unary ops over one leaf: 23 of them (24 nodes) a kernel.
    const deep = () => {
      let t = x;
      for (let k = 0; k < 60; k++) t = tanh(t);
      return t;
    };
    assert.equal((await count(deep)).runs, 3);
    const limit = fusionLimits.nodes;
    fusionLimits.nodes = 1000;
    try {
      // 40 distinct buffers: each kernel binds as many as the device allows, the first L, the
      // others the running sum and L - 1 more.
      const bindings = rt.gpu.device.limits.maxStorageBuffersPerShaderStage - 1;
      assert.ok(bindings < 40, "the test needs more buffers than one kernel binds");
      const hosts = Array.from({ length: 40 }, () => values(24).map(Math.fround));
      const many = hosts.map((h) => tensor(h).reshape([4, 6]));
      const split = await count(() => many.reduce((acc, m) => acc.add(m)));
      assert.equal(split.runs, 1 + Math.ceil((40 - bindings) / (bindings - 1)));
      const f = Math.fround;
      const want = hosts.reduce((acc, h) => acc.map((v, i) => f(v + h[i])));
      assert.deepEqual(split.v, want, "and the split sum adds in order, rounding each step");
      // 30 transposed views: 5 parameter words each, so 12 fit the 64 words of one kernel.
      const turned = many.slice(0, 30).map((m) => m.transpose());
      assert.equal((await count(() => turned.reduce((acc, m) => acc.add(m)))).runs, 3);
    } finally {
      fusionLimits.nodes = limit;
    }
  });
});

Deno.test("webgpu fusion: a deferred chain keeps its inputs' buffers until it runs or is freed", async () => {
  await onBackend("webgpu", async () => {
    const rt = gpuRuntime();
    const n = 1000;
    const f = Math.fround;
    const [A, B, C] = [values(n), values(n), values(n)].map((v) => v.map(f));
    const inUse = () => rt.pool.stats().inUse;
    const base = inUse();
    const a = tensor(A), b = tensor(B);
    const c = tidy(() => a.mul(b).add(a)); // the scope frees a.mul(b), which read a and b too
    assert.equal(inUse(), base + 2, "a deferred result has no buffer");
    a.dispose();
    b.dispose();
    assert.equal(inUse(), base + 2, "freed, a and b stay out of the pool: c reads them");
    // Had a's and b's buffers gone back, these uploads would take them and overwrite them.
    const d = tensor(C), e = tensor(C.map((v) => -v));
    assert.deepEqual(
      Array.from(await c.data()),
      A.map((v, i) => f(f(v * B[i]) + v)),
      "c reads a and b as they were",
    );
    assert.equal(inUse(), base + 3, "computed, c let go of a and b: c, d, e remain");
    // Freed before anything read it, a deferred result lets go of its inputs without running.
    const runs = rt.runs;
    const never = tidy(() => d.exp().add(e));
    d.dispose();
    never.dispose();
    assert.equal(rt.runs, runs, "nothing ran");
    assert.equal(inUse(), base + 2, "d went back with the expression that read it");
    // An intermediate freed before the result that inlined it, and a leaf two results read.
    const y = e.mul(2), z = y.add(1), w = e.sub(1);
    y.dispose();
    e.dispose();
    const g = tensor(A);
    assert.deepEqual(Array.from(await z.data()), C.map((v) => f(f(-v * 2) + 1)), "z");
    const h = tensor(B);
    assert.deepEqual(Array.from(await w.data()), C.map((v) => f(-v - 1)), "w, after z let go");
    [c, z, w, g, h].forEach((t) => t.dispose());
    assert.equal(inUse(), base, "every buffer went back");
  });
});

Deno.test("webgpu fusion: an optimizer's elementwise update fuses; its state pins no old buffers", async () => {
  await onBackend("webgpu", async () => {
    const rt = gpuRuntime();
    /** Ten steps of SGD with momentum: each step's loss, kernels and buffers in use after it. */
    const train = async () => {
      seed(3);
      const model = new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 3));
      const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const x = randn([5, 6]), y = tensor([0, 1, 2, 1, 0], { dtype: "int32" });
      const steps = { losses: [] as number[], runs: [] as number[], inUse: [] as number[] };
      for (let i = 0; i < 10; i++) {
        const runs = rt.runs;
        const loss = tidy(() => {
          opt.zeroGrad();
          const l = crossEntropy(model.forward(x), y);
          l.backward();
          opt.step();
          return l;
        });
        steps.losses.push((await loss.data())[0]);
        loss.dispose();
        steps.runs.push(rt.runs - runs);
        steps.inUse.push(rt.pool.stats().inUse);
      }
      opt.zeroGrad();
      opt.dispose();
      model.parameters().forEach((p) => p.dispose());
      x.dispose();
      y.dispose();
      return steps;
    };
    const fused = await train();
    const limit = fusionLimits.nodes;
    fusionLimits.nodes = 1;
    const alone = await train().finally(() => fusionLimits.nodes = limit);
    assert.deepEqual(fused.losses, alone.losses, "the same losses, bit for bit");
    // The momentum buffer μ·m + g is read by the parameter's update and by next step's buffer:
    // computed once a step, not re-inlined (with last step's gradient) step after step.
    const later = (xs: number[]) => xs.slice(2);
    assert.deepEqual(
      later(fused.runs),
      later(fused.runs).map(() => fused.runs[2]),
      "kernels steady",
    );
    assert.ok(
      fused.runs[2] < alone.runs[2],
      `${fused.runs[2]} kernels a step, not ${alone.runs[2]}`,
    );
    const held = fused.inUse[2];
    assert.deepEqual(later(fused.inUse), later(fused.inUse).map(() => held), "buffers steady");
    assert.ok(held <= alone.inUse[2], `no more buffers than unfused (${held}, ${alone.inUse[2]})`);
  });
});

Deno.test("webgpu runtime: kernels batch into few submits; buffers are reused after step 1", async () => {
  await onBackend("webgpu", async () => {
    const rt = gpuRuntime();
    const x = randn([64, 64]);
    // The sum needs the chain's values, so both run: a chain nothing reads is never computed.
    const step = () =>
      tidy(() => {
        relu(x.mul(2).add(1)).sub(x).exp().sum();
      });
    step();
    const created = rt.pool.stats().created, submits = rt.batch.submits, runs = rt.runs;
    for (let i = 0; i < 20; i++) step();
    assert.equal(rt.pool.stats().created, created, "no new buffers after the first step");
    assert.equal(rt.runs - runs, 40, "two kernels a step: the fused chain and the sum");
    assert.ok(rt.batch.submits - submits <= 1, "40 kernels, at most one submit");
    const y = tidy(() => x.mul(3));
    assert.equal((await y.data()).length, 64 * 64);
    y.dispose();
    x.dispose();
  });
});

Deno.test("webgpu errors: synchronous reads and float64 say what to do", async () => {
  await onBackend("webgpu", async () => {
    const t = tensor([1, 2, 3]);
    assertThrowsWith(() => t.dataSync(), "await t.data()");
    assertThrowsWith(() => t.toArray(), "asynchronous");
    assert.equal(
      t.toString(),
      "Tensor [3] float32 on webgpu (read the values with await t.data())",
      "printing a GPU tensor shows its header and how to read it, without a read",
    );
    assertThrowsWith(() => tensor([1, 2], { dtype: "float64" }), "float64", "cpu backend");
    assert.deepEqual(Array.from(await t.data()), [1, 2, 3]);
    assert.deepEqual(Array.from(await tensor([]).add(1).data()), [], "an empty tensor uploads");
    await assertRejectsWith(async () => await setBackend("nope"), "no backend named 'nope'");
    t.dispose();
  });
});
