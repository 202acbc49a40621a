/**
 * Augmentations for contrastive learning: identity settings leave images alone, warps move ink
 * where the geometry says, erasing blanks one rectangle, noise is seeded and clamped, the paired
 * views come in the documented order, and bad input is refused with a clear message.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  contrastiveViews,
  gaussianNoise,
  randomAffine,
  randomErasing,
  Rng,
} from "../lib/mod.ts";

/** One 5×5 image with a single lit pixel at (row, col). */
function dot(row: number, col: number): Float32Array {
  const image = new Float32Array(25);
  image[row * 5 + col] = 1;
  return image;
}

/** The (row, col) of the largest value of a 5×5 image. */
function brightest(image: Float32Array): [number, number] {
  let best = 0;
  for (let i = 1; i < image.length; i++) if (image[i] > image[best]) best = i;
  return [Math.floor(best / 5), best % 5];
}

Deno.test("randomAffine with no change leaves the images as they are", () => {
  const rng = new Rng(0);
  const batch = Float32Array.from({ length: 2 * 25 }, () => rng.uniform());
  const before = batch.slice();
  randomAffine()(batch, [2, 5, 5], new Rng(1));
  assertClose(Array.from(batch), Array.from(before), { atol: 1e-6 });
});

Deno.test("randomAffine: a shift moves a dot at most `translate` pixels; rotation keeps the centre", () => {
  const shifted = dot(2, 2);
  randomAffine({ translate: 1 })(shifted, [1, 5, 5], new Rng(3));
  const [r, c] = brightest(shifted);
  assert.ok(
    Math.abs(r - 2) <= 1 && Math.abs(c - 2) <= 1,
    `the dot moved at most 1 pixel: ${r},${c}`,
  );
  assertClose(shifted.reduce((s, v) => s + v, 0), 1, { atol: 1e-5 }); // ink is kept inside
  const centred = dot(2, 2);
  randomAffine({ degrees: 180 })(centred, [1, 5, 5], new Rng(4));
  assert.deepEqual(brightest(centred), [2, 2], "the centre stays put under any rotation");
  assertClose(centred[12], 1, { atol: 1e-5 });
});

Deno.test("randomAffine rotates about the centre: a dot on a circle stays on it", () => {
  for (let s = 0; s < 10; s++) {
    const image = new Float32Array(81);
    image[4 * 9 + 8] = 1; // (4, 8): distance 4 from the centre (4, 4)
    randomAffine({ degrees: 180 })(image, [1, 1, 9, 9], new Rng(s));
    // The centre of mass of the ink stays at distance ≈ 4 (bilinear reads spread it a little).
    let mass = 0, y = 0, x = 0;
    image.forEach((v, i) => {
      mass += v;
      y += v * Math.floor(i / 9);
      x += v * (i % 9);
    });
    const radius = Math.hypot(y / mass - 4, x / mass - 4);
    assert.ok(
      mass > 0.5 && radius > 3.3 && radius < 4.3,
      `seed ${s}: mass ${mass}, radius ${radius}`,
    );
  }
});

Deno.test("randomAffine draws per image from the rng, so a seed repeats the warps", () => {
  const rng = new Rng(0);
  const batch = Float32Array.from({ length: 3 * 64 }, () => rng.uniform());
  const a = batch.slice(), b = batch.slice();
  const warp = randomAffine({ degrees: 20, translate: 2, scale: [0.8, 1.2], shear: 10 });
  warp(a, [3, 8, 8], new Rng(7));
  warp(b, [3, 8, 8], new Rng(7));
  assert.deepEqual(a, b);
  assert.notDeepEqual(Array.from(a.subarray(0, 64)), Array.from(batch.subarray(0, 64)));
});

Deno.test("randomErasing blanks one rectangle of the chosen area, or nothing", () => {
  const batch = new Float32Array(4 * 100).fill(1);
  randomErasing({ p: 1, area: [0.1, 0.2] })(batch, [4, 10, 10], new Rng(0));
  for (let n = 0; n < 4; n++) {
    const image = batch.subarray(n * 100, (n + 1) * 100);
    const zeros = Array.from(image.keys()).filter((i) => image[i] === 0);
    const rows = zeros.map((i) => Math.floor(i / 10)), cols = zeros.map((i) => i % 10);
    const height = Math.max(...rows) - Math.min(...rows) + 1;
    const width = Math.max(...cols) - Math.min(...cols) + 1;
    assert.equal(zeros.length, height * width, "the erased pixels form one rectangle");
    assert.ok(zeros.length >= 5 && zeros.length <= 30, `area ${zeros.length} near 10–20 pixels`);
  }
  const untouched = new Float32Array(100).fill(1);
  randomErasing({ p: 0 })(untouched, [1, 10, 10], new Rng(0));
  assert.ok(untouched.every((v) => v === 1));
});

Deno.test("gaussianNoise adds seeded noise of the given spread and clamps to [0, 1]", () => {
  const batch = new Float32Array(20000).fill(0.5);
  gaussianNoise(0.1)(batch, [20000], new Rng(0));
  const mean = batch.reduce((s, v) => s + v, 0) / batch.length;
  const sd = Math.sqrt(batch.reduce((s, v) => s + (v - mean) ** 2, 0) / batch.length);
  assertClose(mean, 0.5, { atol: 0.005 });
  assertClose(sd, 0.1, { atol: 0.005 });
  const edge = new Float32Array(1000).fill(1);
  gaussianNoise(0.5)(edge, [1000], new Rng(0));
  assert.ok(edge.every((v) => v >= 0 && v <= 1));
  const free = new Float32Array(1000).fill(1);
  gaussianNoise(0.5, { clip: null })(free, [1000], new Rng(0));
  assert.ok(free.some((v) => v > 1));
});

Deno.test("contrastiveViews: first views of all images, then second views, each augmented", () => {
  const images = { data: Uint8Array.from({ length: 3 * 4 }, (_, i) => 10 * i), shape: [3, 2, 2] };
  const plain = contrastiveViews(images, [2, 0], [], new Rng(0), { scale: 0.1 });
  assert.deepEqual(plain.shape, [4, 2, 2]);
  assertClose(Array.from(plain.data), [8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3]);
  const noisy = contrastiveViews(images, [2, 0], [gaussianNoise(0.5, { clip: null })], new Rng(0));
  assert.notDeepEqual(
    Array.from(noisy.data.subarray(0, 8)),
    Array.from(noisy.data.subarray(8)),
    "the two views of an image get different draws",
  );
});

Deno.test("augmentations refuse bad settings and flat batches with a clear message", () => {
  assert.throws(() => randomAffine({ degrees: -1 }), /degrees must be a finite number ≥ 0/);
  assert.throws(() => randomAffine({ scale: [1.2, 0.8] }), /scale must be \[lo, hi\]/);
  assert.throws(() => randomErasing({ p: 2 }), /p must be in \[0, 1\]/);
  assert.throws(() => randomErasing({ area: [0, 0.5] }), /area must be/);
  assert.throws(() => gaussianNoise(-0.1), /std must be/);
  assert.throws(
    () => randomAffine({ degrees: 5 })(new Float32Array(784), [1, 784], new Rng(0)),
    /needs image batches \[B, C, H, W\] or \[B, H, W\], got \[1, 784\]/,
  );
  const images = { data: new Uint8Array(8), shape: [2, 2, 2] };
  assert.throws(
    () => contrastiveViews(images, [2], [], new Rng(0)),
    /index 2 is outside the 2 images/,
  );
  assert.throws(() => contrastiveViews(images, [], [], new Rng(0)), /at least one index/);
  assert.throws(
    () => contrastiveViews({ data: new Uint8Array(7), shape: [2, 2, 2] }, [0], [], new Rng(0)),
    /7 values do not fill images of shape \[2, 2, 2\]/,
  );
});
