/**
 * The NTM's addressing, reads and writes (lib/memory/addressing.ts): values against hand-worked
 * examples, gradients against finite differences, and clear errors for bad shapes.
 */

import {
  assertClose,
  assertThrowsWith,
  circularShift,
  contentAddressing,
  gradcheck,
  interpolateWeighting,
  memoryRead,
  memoryWrite,
  ntmAddress,
  rand,
  randn,
  sharpenWeighting,
  slotSimilarity,
  tensor,
} from "../lib/mod.ts";

Deno.test("slotSimilarity is the cosine of the key with each slot", () => {
  const memory = tensor([[[1, 0], [0, 2], [3, 3], [-1, 0]]]);
  const s = slotSimilarity(memory, tensor([[2, 0]]));
  assertClose(s, [[1, 0, Math.SQRT1_2, -1]], { atol: 1e-6 });
});

Deno.test("contentAddressing: softmax of β times the similarity, sharper with larger β", () => {
  const memory = tensor([[[1, 0], [0, 1], [1, 1]]]);
  const key = tensor([[1, 0]]);
  const sims = [1, 0, Math.SQRT1_2];
  for (const beta of [0, 1, 10]) {
    const e = sims.map((v) => Math.exp(beta * v));
    const total = e.reduce((a, b) => a + b, 0);
    assertClose(contentAddressing(memory, key, tensor([[beta]])), [e.map((v) => v / total)], {
      atol: 1e-6,
    });
  }
});

Deno.test("interpolateWeighting: g = 1 takes the content weighting, g = 0 keeps the last", () => {
  const content = tensor([[0.7, 0.2, 0.1]]), previous = tensor([[0, 0, 1]]);
  assertClose(interpolateWeighting(content, previous, tensor([[1]])), content);
  assertClose(interpolateWeighting(content, previous, tensor([[0]])), previous);
  assertClose(interpolateWeighting(content, previous, tensor([[0.5]])), [[0.35, 0.1, 0.55]]);
});

Deno.test("circularShift moves weights forward or back, wrapping round", () => {
  const w = tensor([[0.1, 0.6, 0.3, 0, 0], [0, 0, 0, 0.25, 0.75]]);
  assertClose(circularShift(w, tensor([[0, 0, 1], [0, 0, 1]])), [
    [0, 0.1, 0.6, 0.3, 0],
    [0.75, 0, 0, 0, 0.25],
  ]);
  assertClose(circularShift(w, tensor([[1, 0, 0], [0, 1, 0]])), [
    [0.6, 0.3, 0, 0, 0.1],
    [0, 0, 0, 0.25, 0.75],
  ]);
  // A soft shift blurs: w̃_i = Σ_j w_{i−j} s_j.
  const soft = circularShift(tensor([[1, 0, 0, 0]]), tensor([[0.2, 0.5, 0.3]]));
  assertClose(soft, [[0.5, 0.3, 0, 0.2]]);
  // Five shifts reach two slots each way.
  assertClose(circularShift(tensor([[1, 0, 0, 0, 0]]), tensor([[0, 0, 0, 0, 1]])), [[
    0,
    0,
    1,
    0,
    0,
  ]]);
});

Deno.test("sharpenWeighting raises to γ and renormalises; γ = 1 changes nothing", () => {
  const w = tensor([[0.5, 0.25, 0.25, 0]]);
  assertClose(sharpenWeighting(w, tensor([[1]])), w, { atol: 1e-6 });
  assertClose(sharpenWeighting(w, tensor([[2]])), [[2 / 3, 1 / 6, 1 / 6, 0]], { atol: 1e-6 });
});

Deno.test("memoryRead and memoryWrite: weighted sum; erase then add", () => {
  const memory = tensor([[[1, 2], [3, 4], [5, 6]]]);
  assertClose(memoryRead(memory, tensor([[0.5, 0.5, 0]])), [[2, 3]]);
  const written = memoryWrite(memory, tensor([[0, 1, 0]]), tensor([[1, 0]]), tensor([[10, 10]]));
  assertClose(written, [[[1, 2], [10, 14], [5, 6]]]);
});

Deno.test("the addressing ops' gradients match finite differences", async () => {
  const memory = randn([2, 5, 3]), key = randn([2, 3]);
  const positive = (shape: number[]) => rand(shape).add(0.5);
  const weights = (shape: number[]) => rand(shape).add(0.1).softmax(-1);
  await gradcheck((m, k, b) => contentAddressing(m, k, b), [memory, key, positive([2, 1])]);
  await gradcheck(
    (c, p, g) => interpolateWeighting(c, p, g),
    [weights([2, 5]), weights([2, 5]), rand([2, 1])],
  );
  await gradcheck((w, s) => circularShift(w, s), [weights([2, 5]), weights([2, 3])]);
  await gradcheck((w, g) => sharpenWeighting(w, g), [weights([2, 5]), positive([2, 1]).add(1)]);
  await gradcheck((m, w) => memoryRead(m, w), [memory, weights([2, 5])]);
  await gradcheck(
    (m, w, e, a) => memoryWrite(m, w, e, a),
    [memory, weights([2, 5]), rand([2, 3]), randn([2, 3])],
  );
  await gradcheck(
    (m, p, k, b, g, s, y) => ntmAddress(m, p, { key: k, strength: b, gate: g, shift: s, gamma: y }),
    [
      memory,
      weights([2, 5]),
      key,
      positive([2, 1]),
      rand([2, 1]),
      weights([2, 3]),
      positive([2, 1]).add(1),
    ],
  );
});

Deno.test("the addressing ops reject bad shapes with a clear error", () => {
  const memory = randn([2, 5, 3]);
  assertThrowsWith(() => contentAddressing(memory, randn([2, 4]), randn([2, 1])), "key", "[2, 3]");
  assertThrowsWith(() => contentAddressing(memory, randn([2, 3]), randn([2])), "strength");
  assertThrowsWith(() => slotSimilarity(randn([5, 3]), randn([1, 3])), "memory", "[*, *, *]");
  assertThrowsWith(
    () => interpolateWeighting(randn([2, 5]), randn([2, 4]), randn([2, 1])),
    "previous",
  );
  assertThrowsWith(() => circularShift(randn([2, 5]), randn([2, 2])), "odd", "got 2");
  assertThrowsWith(() => circularShift(randn([2, 3]), randn([2, 5])), "at most the 3 slots");
  assertThrowsWith(() => sharpenWeighting(randn([2, 5]), randn([1, 1])), "gamma", "[2, 1]");
  assertThrowsWith(() => memoryRead(memory, randn([2, 4])), "weights", "[2, 5]");
  assertThrowsWith(
    () => memoryWrite(memory, randn([2, 5]), randn([2, 2]), randn([2, 3])),
    "erase",
    "[2, 3]",
  );
});
