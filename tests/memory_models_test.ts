/**
 * The copy task, the Neural Turing Machine, the bAbI encoding and the end-to-end memory network
 * (lib/memory): shapes, the facts each promises, and clear errors for bad input.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  babiBatch,
  babiVocab,
  babiWords,
  bitErrorRate,
  copyTaskBatch,
  encodeBabi,
  fromArray,
  MemoryNetwork,
  NeuralTuringMachine,
  parseBabi,
  positionEncoding,
  Rng,
  tensor,
} from "../lib/mod.ts";

Deno.test("copyTaskBatch: L random vectors, a delimiter, L blanks; the targets are the vectors", () => {
  const { inputs, targets } = copyTaskBatch(3, 4, 5, new Rng(1));
  assert.deepEqual(inputs.shape, [3, 9, 6]);
  assert.deepEqual(targets.shape, [3, 4, 5]);
  const x = inputs.toArray() as number[][][], y = targets.toArray() as number[][][];
  for (let b = 0; b < 3; b++) {
    for (let t = 0; t < 4; t++) assert.deepEqual(x[b][t].slice(0, 5), y[b][t]);
    assert.deepEqual(x[b][4], [0, 0, 0, 0, 0, 1]);
    for (let t = 5; t < 9; t++) assert.deepEqual(x[b][t], [0, 0, 0, 0, 0, 0]);
    for (let t = 0; t < 4; t++) assert.equal(x[b][t][5], 0);
  }
  // The same generator seed gives the same batch.
  assert.deepEqual(copyTaskBatch(3, 4, 5, new Rng(1)).targets.toArray(), y);
  assertThrowsWith(() => copyTaskBatch(0, 4, 5), "batch", "positive whole number");
  assertThrowsWith(() => copyTaskBatch(2, 1.5, 5), "length");
});

Deno.test("bitErrorRate counts the bits on the wrong side of 0", () => {
  const targets = tensor([[1, 0, 1, 0]]);
  assert.equal(bitErrorRate(tensor([[3, -2, 0.1, -0.1]]), targets), 0);
  assert.equal(bitErrorRate(tensor([[-3, -2, 0.1, 0.1]]), targets), 0.5);
  assertThrowsWith(() => bitErrorRate(tensor([[1, 2]]), targets), "one shape");
});

Deno.test("NeuralTuringMachine: shapes, weightings that sum to 1, gradients to every weight", () => {
  const ntm = new NeuralTuringMachine({
    inputSize: 5,
    outputSize: 4,
    slots: 8,
    width: 6,
    controllerSize: 10,
  });
  const { inputs } = copyTaskBatch(2, 3, 4, new Rng(2));
  const run = ntm.run(inputs);
  assert.deepEqual(run.output.shape, [2, 7, 4]);
  assert.deepEqual(run.readWeights.shape, [2, 7, 8]);
  assertClose(run.writeWeights.sum(-1), tensor([[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]]), {
    atol: 1e-5,
  });
  run.output.sum().backward();
  for (const [name, p] of ntm.namedParameters()) {
    assert.ok(p.grad, `${name} has a gradient`);
    assert.ok(p.grad.abs().sum().item() > 0, `${name}'s gradient is not zero`);
  }
  assertThrowsWith(() => ntm.run(tensor([[[1, 2, 3]]])), "x", "[*, *, 5]");
  assertThrowsWith(
    () => new NeuralTuringMachine({ inputSize: 2, outputSize: 2, shifts: 2 }),
    "shifts must be odd",
  );
});

const STORY = `1 Mary moved to the bathroom.
2 John went to the hallway.
3 Where is Mary? \tbathroom\t1
4 Daniel went back to the hallway.
5 Sandra moved to the garden.
6 Where is Daniel? \thallway\t4
`;

Deno.test("encodeBabi: newest sentence first, padded words, supporting slots", () => {
  const stories = parseBabi(STORY);
  assert.deepEqual(babiWords("Where is Mary? "), ["where", "is", "mary"]);
  const vocab = babiVocab(stories);
  const data = encodeBabi(stories, vocab, 3, 6);
  assert.equal(data.count, 2);
  assert.deepEqual(Array.from(data.storyLengths), [2, 3]); // question 2 keeps the last 3 of 4
  const slot = (q: number, s: number) =>
    vocab.decode(data.stories.subarray((q * 3 + s) * 6, (q * 3 + s + 1) * 6));
  assert.deepEqual(slot(0, 0), ["john", "went", "to", "the", "hallway", "<pad>"]);
  assert.deepEqual(slot(0, 1), ["mary", "moved", "to", "the", "bathroom", "<pad>"]);
  assert.deepEqual(slot(0, 2), new Array(6).fill("<pad>"));
  assert.deepEqual(slot(1, 0), ["sandra", "moved", "to", "the", "garden", "<pad>"]);
  assert.deepEqual(vocab.decode(data.queries.subarray(6, 9)), ["where", "is", "daniel"]);
  assert.deepEqual(vocab.decode(data.answers), ["bathroom", "hallway"]);
  assert.deepEqual(data.supportingSlots, [[1], [1]]);
  // With one slot, only the newest sentence is kept, and both supporting facts fall out.
  assert.deepEqual(encodeBabi(stories, vocab, 1, 6).supportingSlots, [[], []]);
  assertThrowsWith(() => encodeBabi(stories, vocab, 3, 5), "more than sentenceLength 5");
  assertThrowsWith(() => encodeBabi(stories, vocab, 0, 6), "memorySize");
});

Deno.test("babiBatch: the chosen questions as int32 tensors, every question by default", () => {
  const stories = parseBabi(STORY);
  const data = encodeBabi(stories, babiVocab(stories), 3, 6);
  const second = babiBatch(data, [1]);
  assert.deepEqual(second.stories.shape, [1, 3, 6]);
  assert.equal(second.stories.dtype, "int32");
  assert.deepEqual(Array.from(second.stories.dataSync()), Array.from(data.stories.subarray(18)));
  assert.deepEqual(Array.from(second.lengths.dataSync()), [3]);
  assert.deepEqual(Array.from(second.queries.dataSync()), Array.from(data.queries.subarray(6)));
  assert.deepEqual(Array.from(second.answers.dataSync()), [data.answers[1]]);
  const all = babiBatch(data);
  assert.deepEqual(all.queries.shape, [2, 6]);
  assert.deepEqual(Array.from(all.answers.dataSync()), Array.from(data.answers));
  // Reversed order picks the rows in that order.
  assert.deepEqual(Array.from(babiBatch(data, [1, 0]).lengths.dataSync()), [3, 2]);
  assertThrowsWith(() => babiBatch(data, [2]), "index 2 is not a question", "has 2");
});

Deno.test("positionEncoding follows l_kj = (1 − j/J) − (k/d)(1 − 2j/J)", () => {
  const l = positionEncoding(4, 2).toArray() as number[][];
  for (let j = 1; j <= 4; j++) {
    for (let k = 1; k <= 2; k++) {
      assert.ok(Math.abs(l[j - 1][k - 1] - ((1 - j / 4) - (k / 2) * (1 - (2 * j) / 4))) < 1e-6);
    }
  }
});

Deno.test("MemoryNetwork: answer scores, attention per hop that skips empty slots", () => {
  const stories = parseBabi(STORY);
  const vocab = babiVocab(stories);
  const data = encodeBabi(stories, vocab, 4, 6);
  const net = new MemoryNetwork({ vocabSize: vocab.size, memorySize: 4, sentenceLength: 6 });
  const ids = (a: Int32Array, shape: number[]) => fromArray(a, shape, { dtype: "int32" });
  const { logits, attention } = net.run(
    ids(data.stories, [2, 4, 6]),
    ids(data.storyLengths, [2]),
    ids(data.queries, [2, 6]),
  );
  assert.deepEqual(logits.shape, [2, vocab.size]);
  assert.deepEqual(attention.shape, [2, 3, 4]);
  const a = attention.toArray() as number[][][];
  for (const hop of a[0]) {
    assert.ok(Math.abs(hop[0] + hop[1] - 1) < 1e-5, "question 1's two sentences share the weight");
    assert.equal(hop[2] + hop[3], 0, "empty slots get no attention");
  }
  logits.sum().backward();
  assert.ok(net.words[0].weight.grad, "the question's table learns");
  assertThrowsWith(
    () =>
      net.run(
        ids(data.stories, [2, 4, 6]),
        ids(data.storyLengths, [2]),
        ids(data.queries.subarray(0, 6), [1, 6]),
      ),
    "queries",
    "[2, 6]",
  );
  assertThrowsWith(() => net.forward(tensor([1])), "call run");
});
