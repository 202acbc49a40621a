/**
 * The DataLoader, the train/validation split, channel statistics and the batch transforms.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  liveTensors,
  Rng,
  seed,
  type Tensor,
  tensor,
} from "../lib/mod.ts";
import {
  channelStats,
  DataLoader,
  loadMnist,
  normalize,
  randomCrop,
  randomHorizontalFlip,
  rescale,
  trainValidationSplit,
} from "../lib/data/mod.ts";

/** `n` examples: x[i] is a 2×3 block of 10·i + 0…5, and y[i] = i. */
function toyData(n: number) {
  const x = new Float32Array(n * 6).map((_, k) => 10 * Math.floor(k / 6) + (k % 6));
  return { x: { data: x, shape: [n, 2, 3] }, y: Int32Array.from({ length: n }, (_, i) => i) };
}

/** Runs one epoch, returning each batch's values and disposing its tensors. */
function epoch<K extends string>(loader: DataLoader<K>): Record<K, number[]>[] {
  const out: Record<K, number[]>[] = [];
  for (const batch of loader) {
    const values = {} as Record<K, number[]>;
    for (const [name, t] of Object.entries(batch) as [K, Tensor][]) {
      values[name] = Array.from(t.dataSync());
      t.dispose();
    }
    out.push(values);
  }
  return out;
}

function ids(loader: DataLoader<"x" | "y">): number[] {
  return epoch(loader).flatMap((b) => b.y);
}

Deno.test("DataLoader: batch shapes and dtypes, and the short last batch kept", () => {
  const loader = new DataLoader(toyData(10), { batchSize: 4 });
  assert.equal(loader.size, 10);
  assert.equal(loader.length, 3);
  const shapes: number[][][] = [];
  for (const { x, y } of loader) {
    shapes.push([[...x.shape], [...y.shape]]);
    assert.equal(x.dtype, "float32");
    assert.equal(y.dtype, "int32");
    x.dispose();
    y.dispose();
  }
  assert.deepEqual(shapes, [
    [[4, 2, 3], [4]],
    [[4, 2, 3], [4]],
    [[2, 2, 3], [2]],
  ]);
  const [first] = epoch(new DataLoader(toyData(10), { batchSize: 4 }));
  assert.deepEqual(first.y, [0, 1, 2, 3]);
  assert.deepEqual(first.x.slice(6, 12), [10, 11, 12, 13, 14, 15]);
});

Deno.test("DataLoader: dropLast skips the short last batch", () => {
  const loader = new DataLoader(toyData(10), { batchSize: 4, dropLast: true });
  assert.equal(loader.length, 2);
  assert.deepEqual(epoch(loader).map((b) => b.y.length), [4, 4]);
  assert.equal(new DataLoader(toyData(8), { batchSize: 4, dropLast: true }).length, 2);
});

Deno.test("DataLoader: every example exactly once per epoch, in a new order each epoch", () => {
  const loader = new DataLoader(toyData(103), { batchSize: 10, shuffle: true, seed: 3 });
  const orders = [ids(loader), ids(loader), ids(loader)];
  for (const order of orders) {
    assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 103 }, (_, i) => i));
  }
  assert.notDeepEqual(orders[0], orders[1]);
  assert.notDeepEqual(orders[1], orders[2]);
  assert.notDeepEqual(orders[0], Array.from({ length: 103 }, (_, i) => i));
  assert.equal(loader.epoch, 3);
  // Rows travel together: x follows its id.
  for (const batch of epoch(loader)) {
    batch.y.forEach((id, k) => assert.equal(batch.x[6 * k], 10 * id));
  }
});

Deno.test("DataLoader: the same seed gives the same orders; another seed does not", () => {
  const make = (s: number) => new DataLoader(toyData(50), { batchSize: 8, shuffle: true, seed: s });
  const a = make(11), b = make(11), c = make(12);
  assert.deepEqual([ids(a), ids(a)], [ids(b), ids(b)]);
  assert.notDeepEqual(ids(make(11)), ids(c));
  assert.deepEqual(Array.from(a.order(0)), ids(make(11)), "order(epoch) predicts the epoch");
  // Without a seed, the library's generator picks one, so seed(n) makes it repeatable.
  seed(5);
  const d = new DataLoader(toyData(50), { batchSize: 8, shuffle: true });
  seed(5);
  const e = new DataLoader(toyData(50), { batchSize: 8, shuffle: true });
  assert.equal(d.seed, e.seed);
  assert.deepEqual(ids(d), ids(e));
});

Deno.test("DataLoader: tensor and bare-array columns", () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]]);
  const y = tensor([0, 1, 2], { dtype: "int32" });
  try {
    const batches = epoch(new DataLoader({ x, y }, { batchSize: 2 }));
    assert.deepEqual(batches, [{ x: [1, 2, 3, 4], y: [0, 1] }, { x: [5, 6], y: [2] }]);
    const floats = epoch(new DataLoader({ v: Float64Array.of(0.5, 1.5) }, { batchSize: 2 }));
    assert.deepEqual(floats, [{ v: [0.5, 1.5] }]);
    const labels = epoch(
      new DataLoader({ y: { data: Uint8Array.of(7, 8), shape: [2], dtype: "int32" } }, {
        batchSize: 1,
      }),
    );
    assert.deepEqual(labels, [{ y: [7] }, { y: [8] }]);
  } finally {
    x.dispose();
    y.dispose();
  }
});

Deno.test("DataLoader: clear errors for bad options and mismatched columns", () => {
  const { x, y } = toyData(4);
  assertThrowsWith(() => new DataLoader({ x, y }, { batchSize: 0 }), "batchSize", "got 0");
  assertThrowsWith(
    () => new DataLoader({ x, y: y.subarray(0, 3) }, { batchSize: 2 }),
    "column 'y' has 3 examples but 'x' has 4",
  );
  assertThrowsWith(
    () => new DataLoader({ x: { data: x.data, shape: [4, 5] } }, { batchSize: 2 }),
    "column 'x' has 24 elements, but its shape [4, 5] needs 20",
  );
  assertThrowsWith(
    () => new DataLoader({ x, y }, { batchSize: 2, transforms: { y: [rescale(2)] } }),
    "column 'y' is int32",
  );
  assertThrowsWith(
    () =>
      new DataLoader({ x }, {
        batchSize: 2,
        transforms: { z: [rescale(2)] } as unknown as { x: [] },
      }),
    "transforms name 'z'",
  );
});

Deno.test("DataLoader: no tensors outlive the batches handed out", () => {
  const before = liveTensors().tensors;
  const x = tensor([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]);
  const loader = new DataLoader({ x, y: toyData(5).y }, {
    batchSize: 2,
    shuffle: true,
    transforms: { x: [rescale(0.5)] },
  });
  x.dispose();
  assert.equal(liveTensors().tensors, before, "the loader keeps no tensor of its own");
  for (const batch of loader) {
    assert.equal(liveTensors().tensors, before + 2, "one tensor per column per batch");
    batch.x.dispose();
    batch.y.dispose();
  }
  for (const batch of loader) {
    batch.x.dispose();
    batch.y.dispose();
    break;
  }
  assert.equal(liveTensors().tensors, before);
  // A transform that throws takes down the batch, not the tensors already made for it.
  const failing = new DataLoader({ a: Float32Array.of(1, 2), b: Float32Array.of(3, 4) }, {
    batchSize: 2,
    transforms: {
      b: [() => {
        throw new Error("augmentation failed");
      }],
    },
  });
  assertThrowsWith(() => [...failing], "augmentation failed");
  assert.equal(liveTensors().tensors, before);
});

Deno.test("DataLoader: a shuffled MNIST epoch is cheap", async () => {
  const train = await loadMnist("train");
  const loader = new DataLoader(
    { x: { data: train.images.data, shape: [60000, 784] }, y: train.labels },
    { batchSize: 128, shuffle: true, seed: 0, transforms: { x: [rescale(1 / 255)] } },
  );
  const start = performance.now();
  let batches = 0;
  for (const { x, y } of loader) {
    batches++;
    x.dispose();
    y.dispose();
  }
  const ms = performance.now() - start;
  assert.equal(batches, 469);
  assert.ok(ms < 5000, `one epoch of 469 batches took ${ms.toFixed(0)} ms`);
});

Deno.test("trainValidationSplit: seeded, disjoint, covering, rows kept together", () => {
  const data = toyData(20);
  const { train, validation } = trainValidationSplit(data, { validation: 0.25, seed: 4 });
  assert.deepEqual(train.x.shape, [15, 2, 3]);
  assert.deepEqual(validation.y.shape, [5]);
  const trainIds = Array.from(train.y.data), heldIds = Array.from(validation.y.data);
  assert.deepEqual([...trainIds, ...heldIds].sort((a, b) => a - b), Array.from(data.y));
  assert.deepEqual(trainIds, [...trainIds].sort((a, b) => a - b), "each part keeps data order");
  assert.ok(train.y.data instanceof Int32Array, "labels stay int32");
  trainIds.forEach((id, k) => assert.equal(train.x.data[6 * k + 5], 10 * id + 5));
  const again = trainValidationSplit(data, { validation: 0.25, seed: 4 });
  assert.deepEqual(Array.from(again.validation.y.data), heldIds);
  const other = trainValidationSplit(data, { validation: 0.25, seed: 5 });
  assert.notDeepEqual(Array.from(other.validation.y.data), heldIds);
  assert.equal(trainValidationSplit(data, { validation: 3 }).validation.y.shape[0], 3);
  assertThrowsWith(
    () => trainValidationSplit(data, { validation: 1.5 }),
    "a fraction in (0, 1) or a whole number of examples up to 20, got 1.5",
  );
  // The parts feed a DataLoader directly.
  assert.equal(new DataLoader(train, { batchSize: 4 }).length, 4);
});

Deno.test("channelStats and normalize: per-channel mean 0 and std 1 over an epoch", () => {
  const rng = new Rng(9);
  const n = 64, c = 3, hw = 16;
  const data = new Uint8Array(n * c * hw);
  for (let i = 0; i < data.length; i++) {
    const channel = Math.floor(i / hw) % c;
    data[i] = Math.round(40 + 60 * channel + (10 + 5 * channel) * rng.normal());
  }
  const images = { data, shape: [n, c, 4, 4] };
  const stats = channelStats(images, { scale: 1 / 255 });
  assert.equal(stats.mean.length, 3);
  assert.ok(stats.mean[0] < stats.mean[1] && stats.mean[1] < stats.mean[2]);
  const loader = new DataLoader({ x: images }, {
    batchSize: 10,
    transforms: { x: [rescale(1 / 255), normalize(stats)] },
  });
  const after = new Float32Array(n * c * hw);
  let at = 0;
  for (const { x } of epoch(loader)) {
    after.set(x, at);
    at += x.length;
  }
  const normalized = channelStats({ data: after, shape: [n, c, 4, 4] });
  assertClose(normalized.mean, [0, 0, 0], { atol: 1e-5 });
  assertClose(normalized.std, [1, 1, 1], { atol: 1e-4 });
  // One statistic for the whole example, e.g. flattened MNIST rows.
  assert.equal(channelStats({ data, shape: [n, c * hw] }).mean.length, 1);
  assertThrowsWith(() => normalize({ mean: [0, 0], std: [1, 0] }), "every std must be positive");
  assertThrowsWith(
    () => normalize(stats)(new Float32Array(8), [2, 4], new Rng()),
    "3 channel statistics do not fit batches of shape [2, 4]",
  );
});

Deno.test("randomHorizontalFlip mirrors rows of the images it picks", () => {
  const image = () => Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12); // [1, 2, 2, 3]
  const always = image();
  randomHorizontalFlip(1)(always, [1, 2, 2, 3], new Rng(0));
  assert.deepEqual(Array.from(always), [3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]);
  const never = image();
  randomHorizontalFlip(0)(never, [1, 2, 2, 3], new Rng(0));
  assert.deepEqual(Array.from(never), Array.from(image()));
  // With p = 0.5, about half of many images flip, each one whole or not at all.
  const batch = new Float32Array(200 * 3).map((_, i) => i % 3);
  randomHorizontalFlip()(batch, [200, 1, 3], new Rng(1));
  let flipped = 0;
  for (let k = 0; k < 200; k++) {
    const row = Array.from(batch.subarray(3 * k, 3 * k + 3));
    assert.ok(row.join() === "0,1,2" || row.join() === "2,1,0");
    if (row[0] === 2) flipped++;
  }
  assert.ok(flipped > 70 && flipped < 130, `${flipped} of 200 flipped`);
  assertThrowsWith(
    () => randomHorizontalFlip()(new Float32Array(4), [2, 2], new Rng()),
    "needs image batches [B, C, H, W] or [B, H, W], got [2, 2]",
  );
});

Deno.test("randomCrop shifts each image by up to `padding` pixels, filling with zeros", () => {
  const original = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9); // one 3×3 image
  const shifted = (dy: number, dx: number) =>
    Array.from({ length: 9 }, (_, i) => {
      const y = Math.floor(i / 3) + dy, x = (i % 3) + dx;
      return y >= 0 && y < 3 && x >= 0 && x < 3 ? original[3 * y + x] : 0;
    }).join();
  const outcomes = new Set<string>();
  const rng = new Rng(2);
  for (let trial = 0; trial < 100; trial++) {
    const image = original.slice();
    randomCrop(1)(image, [1, 1, 3, 3], rng);
    outcomes.add(Array.from(image).join());
  }
  const all = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => shifted(dy, dx)));
  assert.deepEqual([...outcomes].sort(), all.sort(), "all nine shifts occur, and nothing else");
  const same = original.slice();
  randomCrop(0)(same, [1, 3, 3], new Rng(0));
  assert.deepEqual(Array.from(same), Array.from(original));
  const filled = Float32Array.of(1, 2, 3, 4);
  randomCrop(3, { fill: -1 })(filled, [1, 2, 2], new Rng(0));
  assert.ok(filled.every((v) => [1, 2, 3, 4, -1].includes(v)));
  // Channels of one image shift together.
  const rgb = Float32Array.of(1, 2, 3, 4, 1, 2, 3, 4);
  randomCrop(1)(rgb, [1, 2, 2, 2], new Rng(3));
  assert.deepEqual(Array.from(rgb.subarray(0, 4)), Array.from(rgb.subarray(4)));
});

Deno.test("DataLoader augmentation is seeded: same seed, same augmented batches", () => {
  const images = {
    data: new Float32Array(16 * 3 * 8 * 8).map((_, i) => i % 97),
    shape: [16, 3, 8, 8],
  };
  const make = () =>
    new DataLoader({ x: images }, {
      batchSize: 4,
      shuffle: true,
      seed: 21,
      transforms: { x: [randomCrop(2), randomHorizontalFlip()] },
    });
  const a = make(), b = make();
  const first = epoch(a);
  assert.deepEqual(first, epoch(b));
  assert.notDeepEqual(epoch(a), first, "the next epoch augments differently");
});
