/**
 * MNIST handwritten digits: 60,000 training and 10,000 test images of 28×28 grayscale pixels, from
 * the gzip-compressed IDX files in `data/mnist/`.
 *
 * @module
 */

import type { ImageSet } from "./image_set.ts";
import { memoize, memoKey } from "./memo.ts";
import {
  type DataOptions,
  gunzipVerified,
  readDataFile,
  restoreHint,
  type VerifiedFile,
} from "./source.ts";

/** The MNIST classes: the digits "0" to "9". */
export const MNIST_CLASSES: readonly string[] = Object.freeze(
  Array.from({ length: 10 }, (_, i) => String(i)),
);

const FILES = {
  train: { images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz" },
  test: { images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz" },
} as const;

const IMAGES_MAGIC = 0x00000803, LABELS_MAGIC = 0x00000801;

/**
 * The body of an IDX file after checking its header: the magic number (which also fixes the rank),
 * the extents, and that the body holds exactly the promised number of bytes.
 */
function parseIdx(
  file: VerifiedFile,
  content: Uint8Array<ArrayBuffer>,
  magic: number,
): { dims: number[]; body: Uint8Array<ArrayBuffer> } {
  const hint = restoreHint(file.set, { root: file.root });
  const rank = magic & 0xff;
  const header = 4 + 4 * rank;
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const found = content.length >= 4 ? view.getUint32(0) : -1; // IDX headers are big-endian.
  if (found !== magic) {
    const hex = (m: number) => `0x${m.toString(16).padStart(8, "0")}`;
    throw new Error(
      `${file.label}: IDX magic number is ${found < 0 ? "missing" : hex(found)}, expected ` +
        `${hex(magic)} (${rank === 3 ? "images" : "labels"}). ${hint}`,
    );
  }
  if (content.length < header) {
    throw new Error(
      `${file.label}: ${content.length} bytes are too few for an IDX header of ${header} bytes. ` +
        hint,
    );
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  if (content.length - header !== expected) {
    throw new Error(
      `${file.label}: the header promises ${dims.join(" × ")} = ${expected} bytes of data, but ` +
        `the file holds ${content.length - header}. ${hint}`,
    );
  }
  return { dims, body: content.subarray(header) };
}

async function decodeMnist(images: VerifiedFile, labels: VerifiedFile): Promise<ImageSet> {
  const hint = restoreHint(images.set, { root: images.root });
  const pixels = parseIdx(images, await gunzipVerified(images), IMAGES_MAGIC);
  const classes = parseIdx(labels, await gunzipVerified(labels), LABELS_MAGIC);
  const [n, rows, cols] = pixels.dims;
  if (rows !== 28 || cols !== 28) {
    throw new Error(`${images.label}: images are ${rows}×${cols}, expected 28×28. ${hint}`);
  }
  if (classes.dims[0] !== n) {
    throw new Error(
      `${labels.label} holds ${classes.dims[0]} labels but ${images.label} holds ${n} images. ` +
        hint,
    );
  }
  const bad = classes.body.findIndex((label) => label > 9);
  if (bad >= 0) {
    throw new Error(`${labels.label}: label ${bad} is ${classes.body[bad]}, not a digit. ${hint}`);
  }
  return {
    images: { data: pixels.body, shape: [n, rows, cols] },
    labels: Int32Array.from(classes.body),
    classNames: MNIST_CLASSES,
  };
}

/**
 * One split of MNIST: `images` as bytes `[N, 28, 28]` (0 = background, 255 = ink) and `labels`
 * (the digits) as an `Int32Array`. Both files are checked against their sha256, and the IDX headers
 * against the format. The result is memoized while you hold it: do not change its arrays in place.
 *
 * @example
 * ```ts
 * const train = await loadMnist("train");
 * const x = imagesToTensor(train.images, { flatten: true }); // [60000, 784] in [0, 1]
 * const y = labelsToTensor(train.labels);                    // [60000] int32
 * ```
 */
export async function loadMnist(
  split: "train" | "test" = "train",
  options?: DataOptions,
): Promise<ImageSet> {
  const names = FILES[split];
  if (!names) throw new Error(`loadMnist: split must be "train" or "test", got ${String(split)}`);
  const images = await readDataFile("mnist", names.images, options);
  const labels = await readDataFile("mnist", names.labels, options);
  return await memoize(
    `${memoKey("mnist", images)}|${labels.entry.sha256}`,
    () => decodeMnist(images, labels),
  );
}
