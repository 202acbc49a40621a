/**
 * lib/sequence's model side: losses over padded batches, the last real output, reversal within
 * lengths and the Bidirectional wrapper, dot-product attention (values, mask, gradients), sampling
 * with a temperature, and beam search against exhaustive search.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  beamSearch,
  Bidirectional,
  concat,
  crossEntropy,
  dotAttention,
  fromArray,
  lastOutputs,
  liveTensors,
  LSTM,
  maskedCorrect,
  maskedCrossEntropy,
  randn,
  reverseSequences,
  Rng,
  sampleLogits,
  seed,
  type Tensor,
  tensor,
} from "../lib/mod.ts";
import { gradcheck } from "../lib/testing/mod.ts";

const int32 = (values: number[][]) =>
  fromArray(Int32Array.from(values.flat()), [values.length, values[0].length], { dtype: "int32" });

Deno.test("maskedCrossEntropy: the mean over real positions, padding ignored", () => {
  seed(1);
  const logits = randn([2, 3, 4], { requiresGrad: true });
  const labels = int32([[1, 2, 3], [0, 3, 1]]);
  const mask = tensor([[1, 1, 1], [1, 0, 0]]);
  const loss = maskedCrossEntropy(logits, labels, mask);
  // The same four real positions, gathered by hand.
  const rows = logits.reshape([6, 4]);
  const real = [0, 1, 2, 3].map((i) => rows.slice([i, 0], [1, 4]));
  const expected = crossEntropy(
    concat(real),
    tensor([1, 2, 3, 0], { dtype: "int32" }),
  );
  assertClose(loss.item(), expected.item(), { rtol: 1e-6 });
  // Padding gets no gradient, whatever label it carries.
  loss.backward();
  const g = logits.grad!.toArray() as number[][][];
  assert.ok(g[1][1].every((v) => v === 0) && g[1][2].every((v) => v === 0));
  assert.ok(g[1][0].some((v) => v !== 0));
  const other = maskedCrossEntropy(logits, int32([[1, 2, 3], [0, 0, 0]]), mask);
  assertClose(other.item(), loss.item());
});

Deno.test("maskedCorrect counts right answers at real positions only", () => {
  const logits = tensor([[[0, 1], [1, 0], [0, 1]], [[1, 0], [0, 1], [1, 0]]]);
  const labels = int32([[1, 1, 1], [0, 1, 1]]);
  const mask = tensor([[1, 1, 0], [1, 1, 1]]);
  assert.deepEqual(maskedCorrect(logits, labels, mask), { correct: 3, total: 5 });
  assertThrowsWith(
    () => maskedCrossEntropy(logits, int32([[1, 1]]), mask),
    "expected logits [B, T, C] with labels and mask [B, T]",
  );
});

Deno.test("lastOutputs picks each row's output at its own length, with gradients", async () => {
  const outputs = tensor([[[1, 1], [2, 2], [3, 3]], [[4, 4], [5, 5], [6, 6]]]);
  assert.deepEqual(lastOutputs(outputs, [2, 3]).toArray(), [[2, 2], [6, 6]]);
  await gradcheck((x) => lastOutputs(x, [1, 3]), [randn([2, 3, 2])]);
  assertThrowsWith(() => lastOutputs(outputs, [2]), "got 1 lengths for a batch of 2");
  assertThrowsWith(() => lastOutputs(outputs, [0, 3]), "length 0 of sequence 0");
  assertThrowsWith(() => lastOutputs(tensor([1, 2]), [1]), "expected outputs [B, T, H]");
});

Deno.test("reverseSequences reverses within each length and leaves padding in place", () => {
  const x = tensor([[[1], [2], [3], [0]], [[4], [5], [0], [0]]]);
  const reversed = reverseSequences(x, [3, 2]);
  assert.deepEqual(reversed.toArray(), [[[3], [2], [1], [0]], [[5], [4], [0], [0]]]);
  assert.deepEqual(reverseSequences(reversed, [3, 2]).toArray(), x.toArray());
  assert.deepEqual(reverseSequences(tensor([[1, 2, 3]])).toArray(), [[3, 2, 1]]);
  assertThrowsWith(() => reverseSequences(x, [5, 2]), "length 5 of sequence 0");
  assertThrowsWith(() => reverseSequences(x, [1]), "got 1 lengths for a batch of 2");
  assertThrowsWith(() => reverseSequences(tensor([1, 2])), "[batch, time, …]");
});

Deno.test("Bidirectional: padding changes neither direction's outputs at real positions", () => {
  seed(2);
  const forward = new LSTM(3, 4), backward = new LSTM(3, 4);
  const bi = new Bidirectional(forward, backward);
  assert.deepEqual(bi.namedParameters().map(([name]) => name).slice(0, 2), [
    "forward.cell.weightIh",
    "forward.cell.weightHh",
  ]);
  const short = randn([1, 3, 3]);
  const padded = concat([short, randn([1, 2, 3])], 1); // two steps of junk padding
  const both = bi.forward(padded, [3]);
  assert.deepEqual(both.shape, [1, 5, 8]);
  const real = both.slice([0, 0, 0], [1, 3, 8]);
  // Alone, without padding: the left-to-right states, and the right-to-left ones read backwards.
  const ahead = forward.forward(short);
  const back = reverseSequences(backward.forward(reverseSequences(short)));
  assertClose(real, concat([ahead, back], -1), { atol: 1e-6 });
});

/** Attention weights and context in float64, from plain arrays. */
function referenceAttention(q: number[][], k: number[][][], mask: number[][]) {
  return q.map((query, b) => {
    const scores = k[b].map((key, s) =>
      mask[b][s] ? key.reduce((sum, v, d) => sum + v * query[d], 0) : -Infinity
    );
    const top = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - top));
    const total = e.reduce((a, v) => a + v, 0);
    const weights = e.map((v) => v / total);
    const context = query.map((_, d) => k[b].reduce((sum, key, s) => sum + weights[s] * key[d], 0));
    return { weights, context };
  });
}

Deno.test("dotAttention: softmax of q · k over the real positions, and the weighted values", () => {
  seed(3);
  const query = randn([2, 3]), keys = randn([2, 4, 3]);
  const mask = tensor([[1, 1, 1, 1], [1, 1, 0, 0]]);
  const { weights, context } = dotAttention(query, keys, keys, { mask });
  const want = referenceAttention(
    query.toArray() as number[][],
    keys.toArray() as number[][][],
    mask.toArray() as number[][],
  );
  assertClose(weights, want.map((w) => w.weights), { atol: 1e-6 });
  assertClose(context, want.map((w) => w.context), { atol: 1e-6 });
  assert.deepEqual((weights.toArray() as number[][])[1].slice(2), [0, 0]);
  // Scaled scores, and values other than the keys.
  const values = randn([2, 4, 5]);
  const scaled = dotAttention(query, keys, values, { scale: 0.5 });
  assert.deepEqual(scaled.context.shape, [2, 5]);
  const halfQuery = dotAttention(query.mul(0.5), keys, values);
  assertClose(scaled.weights, halfQuery.weights, { atol: 1e-6 });
  // A row with every position masked still gives numbers: uniform weights.
  const none = dotAttention(query, keys, keys, { mask: tensor([[0, 0, 0, 0], [1, 0, 0, 0]]) });
  assertClose(none.weights, [[0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0]]);
});

Deno.test("dotAttention: gradients match finite differences, and shapes are checked", async () => {
  seed(4);
  const mask = tensor([[1, 1, 0], [1, 1, 1]]);
  await gradcheck(
    (q, k, v) => dotAttention(q, k, v, { mask }).context,
    [randn([2, 3]), randn([2, 3, 3]), randn([2, 3, 2])],
  );
  assertThrowsWith(
    () => dotAttention(randn([2, 3]), randn([2, 4, 5]), randn([2, 4, 5])),
    "expected a query [B, H], keys [B, S, H] and values [B, S, D]",
  );
  assertThrowsWith(
    () => dotAttention(randn([2, 3]), randn([2, 4, 3]), randn([2, 4, 3]), { mask: randn([2, 3]) }),
    "the mask must be [B, S] = [2, 4]",
  );
});

Deno.test("sampleLogits: temperature 0 is the argmax; 1 samples the softmax", () => {
  const logits = [1, 3, 2, 0];
  assert.equal(sampleLogits(logits, 0), 1);
  const rng = new Rng(9), n = 20000;
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) counts[sampleLogits(logits, 1, rng)]++;
  const total = logits.reduce((s, z) => s + Math.exp(z), 0);
  logits.forEach((z, c) => assert.ok(Math.abs(counts[c] / n - Math.exp(z) / total) < 0.015));
  // A low temperature concentrates the draws on the most likely class, a high one spreads them.
  const share = (t: number) => {
    let top = 0;
    for (let i = 0; i < 2000; i++) if (sampleLogits(logits, t, rng) === 1) top++;
    return top / 2000;
  };
  assert.ok(share(0.2) > 0.95 && share(5) < 0.4);
  // Large logits do not overflow.
  assert.equal(sampleLogits([1000, 1010], 0.01, rng), 1);
  assertThrowsWith(() => sampleLogits([], 1), "no logits");
  assertThrowsWith(() => sampleLogits([1, 2], -1), "temperature");
  assertThrowsWith(() => sampleLogits([NaN, NaN], 1), "must be finite");
});

/**
 * A toy decoder over tokens 0 (end), 1, 2, whose next-token logits depend on the whole history,
 * which it keeps as its state: a float code Σ (token + 1)·4^t, one per row.
 */
function toyDecoder(table: Float64Array) {
  const logitsOf = (code: number) =>
    [0, 1, 2].map((v) => table[(Math.floor(code * 7 + v * 13) >>> 0) % table.length]);
  const step = (tokens: Tensor, state: { code: Tensor }) => {
    const t = tokens.dataSync(), codes = state.code.dataSync();
    const next = Array.from(codes, (c, r) => c * 4 + t[r] + 1);
    return {
      logits: tensor(next.map(logitsOf)),
      state: { code: tensor(next) },
    };
  };
  /** log p of a whole output (its tokens then the end token), by the same rule, in float64. */
  const logProb = (tokens: number[]) => {
    let code = 0, total = 0, previous = 3; // 3: the start token
    for (const token of [...tokens, 0]) {
      code = code * 4 + previous + 1;
      const z = logitsOf(code);
      const top = Math.max(...z);
      total += z[token] - top - Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0));
      previous = token;
    }
    return total;
  };
  return { step, logProb };
}

/** Every output of up to `maxLength` tokens from {1, 2}, ended or cut off. */
function allOutputs(maxLength: number): number[][] {
  let frontier: number[][] = [[]];
  const all: number[][] = [[]];
  for (let n = 1; n <= maxLength; n++) {
    frontier = frontier.flatMap((o) => [[...o, 1], [...o, 2]]);
    all.push(...frontier);
  }
  return all;
}

Deno.test("beamSearch: a wide beam finds the most probable output; a narrow one may not", () => {
  const rng = new Rng(21);
  const maxLength = 4;
  let narrowerWorse = 0;
  for (let trial = 0; trial < 12; trial++) {
    const table = Float64Array.from({ length: 97 }, () => 2 * rng.normal());
    const { step, logProb } = toyDecoder(table);
    const search = (beamWidth: number) =>
      beamSearch({
        initial: { code: tensor([0]) },
        step,
        start: 3,
        end: 0,
        maxLength,
        beamWidth,
      })[0];
    // The best complete output (cut-off outputs have no end token, so they are scored without it).
    const best = Math.max(...allOutputs(maxLength - 1).map(logProb));
    const wide = search(81);
    assert.ok(wide[0].logProb >= best - 1e-5, `trial ${trial}: the wide beam finds the best`);
    assert.ok(wide.every((h, i) => i === 0 || h.logProb <= wide[i - 1].logProb), "sorted");
    for (const h of wide) {
      if (h.tokens.length < maxLength) assertClose(h.logProb, logProb(h.tokens), { rtol: 1e-5 });
    }
    const greedy = search(1);
    assert.equal(greedy.length, 1);
    assert.ok(greedy[0].logProb <= wide[0].logProb + 1e-6);
    if (greedy[0].logProb < wide[0].logProb - 1e-3) narrowerWorse++;
  }
  assert.ok(narrowerWorse > 0, "on some of these models greedy decoding misses the best output");
});

Deno.test("beamSearch: batches of examples, a context passed along, and greedy = argmax", () => {
  // Logits from a table indexed by the example's context value and the previous token, so each
  // example follows its own path; greedy must take the argmax at every step.
  const table = [
    [[0, 5, 1], [9, 0, 1], [0, 0, 9]], // example with context 0: 1 then end
    [[0, 1, 5], [0, 9, 1], [0, 0, 9]], // context 1: 2, 2, 2, … (never ends)
  ];
  const step = (tokens: Tensor, state: Tensor, context: Tensor) => {
    const t = tokens.dataSync(), c = context.dataSync();
    const previous = Array.from(t, (v) => (v === 3 ? 0 : v)); // the start token reads row 0
    return {
      logits: tensor(previous.map((p, r) => table[c[r]][p])),
      state: state.add(1),
    };
  };
  const initial = tensor([0, 0]), context = tensor([0, 1], { dtype: "int32" });
  const before = liveTensors().tensors;
  const result = beamSearch({ initial, context, step, start: 3, end: 0, maxLength: 3 });
  assert.deepEqual(result.map((r) => r[0].tokens), [[1], [2, 2, 2]]);
  assert.equal(liveTensors().tensors, before, "it frees every tensor it makes");
  const beams = beamSearch({
    initial: tensor([0, 0]),
    context: tensor([0, 1], { dtype: "int32" }),
    step,
    start: 3,
    end: 0,
    maxLength: 3,
    beamWidth: 3,
  });
  assert.equal(beams.length, 2);
  assert.ok(beams.every((b) => b.length === 3));
});

Deno.test("beamSearch: bad options are clear errors", () => {
  const step = (_: Tensor, s: Tensor) => ({ logits: tensor([[0, 1]]), state: s });
  const base = { initial: tensor([0]), step, start: 1, end: 0, maxLength: 2 };
  assertThrowsWith(() => beamSearch({ ...base, beamWidth: 0 }), "beamWidth");
  assertThrowsWith(() => beamSearch({ ...base, maxLength: 0 }), "maxLength");
  assertThrowsWith(
    () => beamSearch({ ...base, initial: tensor([0, 0]), context: tensor([1, 2, 3]) }),
    "one row per example (2)",
  );
  assertThrowsWith(
    () => beamSearch({ ...base, beamWidth: 2 }),
    "the step must return logits [2, V] for 2 rows, got [1, 2]",
  );
  assertThrowsWith(
    () =>
      beamSearch({
        initial: [] as Tensor[],
        step: (_, s) => ({ logits: tensor([[0, 1]]), state: s }),
        start: 1,
        end: 0,
        maxLength: 2,
      }),
    "has no tensor",
  );
});
