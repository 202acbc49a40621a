/**
 * CIFAR-10: 50,000 training and 10,000 test colour images of 32×32 pixels in ten classes, shipped as
 * JPEGs in gzip-compressed tarballs (`data/cifar10/`; see its SOURCE.md on the JPEG loss).
 *
 * Decoding 60,000 JPEGs takes a while, so the first load of each split writes the decoded bytes to
 * `<data root>/.cache/cifar10/<split>.bin`, and later loads read that instead. The cache records the
 * sha256 of the tarball and index it came from, so it is rebuilt when they change, and when it is
 * found truncated.
 *
 * @module
 */

import { type CacheKey, readCache, writeCache } from "./decoded_cache.ts";
import type { ImageSet } from "./image_set.ts";
import { decodeJpegChw } from "./jpeg.ts";
import {
  type DataOptions,
  gunzipVerified,
  readDataFile,
  restoreHint,
  type VerifiedFile,
} from "./source.ts";
import { readTar } from "./tar.ts";

/** The CIFAR-10 class names; a label is an index into this list. */
export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
]);

/** Options for {@link loadCifar10}. */
export interface Cifar10Options extends DataOptions {
  /** Read and write the decoded cache under `<root>/.cache/` (default true). */
  readonly cache?: boolean;
}

const SIZE = 32, PIXELS = 3 * SIZE * SIZE;
/** Bump when the decoded layout changes, so old caches count as stale. */
const CACHE_FORMAT = "cifar10-uint8-chw-1";

/** One row of the index CSV. */
interface IndexRow {
  readonly label: number;
  readonly name: string;
  /** Position in the official training order (train only). */
  readonly orig?: number;
}

/** The index CSV (`path,label,label_name[,orig_train_index]`) as a map from member path to row. */
function parseIndex(file: VerifiedFile, text: string): Map<string, IndexRow> {
  const lines = text.split(/\r?\n/).filter((line) => line !== "");
  const header = lines[0];
  if (header !== "path,label,label_name" && header !== "path,label,label_name,orig_train_index") {
    throw new Error(`${file.label}: unexpected header "${header}"`);
  }
  const rows = new Map<string, IndexRow>();
  for (let i = 1; i < lines.length; i++) {
    const [path, label, name, orig] = lines[i].split(",");
    const row = { label: Number(label), name, orig: orig === undefined ? undefined : Number(orig) };
    if (CIFAR10_CLASSES[row.label] !== name) {
      throw new Error(`${file.label}: line ${i + 1} pairs label ${label} with class "${name}"`);
    }
    rows.set(path, row);
  }
  return rows;
}

/** Decodes every JPEG member of the tarball, in archive order, labelled by the index. */
async function decodeSplit(archive: VerifiedFile, index: VerifiedFile): Promise<ImageSet> {
  const hint = restoreHint(archive.set, { root: archive.root });
  const rows = parseIndex(index, new TextDecoder().decode(await gunzipVerified(index)));
  const images = new Uint8Array(rows.size * PIXELS);
  const labels = new Int32Array(rows.size);
  let n = 0;
  for (const member of readTar(await gunzipVerified(archive), archive.label)) {
    if (member.type !== "file") continue;
    const row = rows.get(member.name);
    if (!row) throw new Error(`${archive.label}: member ${member.name} is not in ${index.label}`);
    if (member.name.split("/")[1] !== row.name) {
      throw new Error(`${archive.label}: member ${member.name} is labelled "${row.name}"`);
    }
    // Train members are stored in the official order; a mismatch would silently reorder the set.
    if (row.orig !== undefined && row.orig !== n) {
      throw new Error(
        `${archive.label}: member ${member.name} is number ${n} in the archive but number ` +
          `${row.orig} in the official training order. ${hint}`,
      );
    }
    if (n === rows.size) throw new Error(`${archive.label} holds more images than its index`);
    decodeJpegChw(member.data, images, n * PIXELS, SIZE, SIZE, `${archive.label}: ${member.name}`);
    labels[n++] = row.label;
  }
  if (n !== rows.size) {
    throw new Error(`${archive.label} holds ${n} images but ${index.label} lists ${rows.size}`);
  }
  return {
    images: { data: images, shape: [n, 3, SIZE, SIZE] },
    labels,
    classNames: CIFAR10_CLASSES,
  };
}

/** The image set in a cache file's arrays, or null when they do not fit together. */
function fromCache(arrays: Record<string, Uint8Array<ArrayBuffer>>): ImageSet | null {
  const { images, labels } = arrays;
  if (!images || !labels || images.length !== labels.length * PIXELS) return null;
  return {
    images: { data: images, shape: [labels.length, 3, SIZE, SIZE] },
    labels: Int32Array.from(labels),
    classNames: CIFAR10_CLASSES,
  };
}

/**
 * One split of CIFAR-10: `images` as bytes `[N, 3, 32, 32]` (channels first) and `labels` as an
 * `Int32Array` of class indices into {@link CIFAR10_CLASSES}. The training images keep the official
 * CIFAR-10 order; the test images come class by class.
 *
 * Both source files are checked against their sha256 on every load. The first load of a split
 * decodes its JPEGs (tens of seconds for the training set) and caches the result; see the module
 * documentation.
 */
export async function loadCifar10(
  split: "train" | "test" = "train",
  options: Cifar10Options = {},
): Promise<ImageSet> {
  if (split !== "train" && split !== "test") {
    throw new Error(`loadCifar10: split must be "train" or "test", got ${String(split)}`);
  }
  const archive = await readDataFile("cifar10", `cifar10_${split}_jpg.tar.gz`, options);
  const index = await readDataFile("cifar10", `cifar10_${split}_jpg_index.csv.gz`, options);
  const key: CacheKey = {
    format: CACHE_FORMAT,
    [archive.entry.file]: archive.entry.sha256,
    [index.entry.file]: index.entry.sha256,
  };
  const cache = new URL(`.cache/cifar10/${split}.bin`, archive.root);
  const useCache = options.cache ?? true;
  let why = "the cache is off";
  if (useCache) {
    const read = await readCache(cache, key);
    const cached = "arrays" in read ? fromCache(read.arrays) : null;
    if (cached) return cached;
    why = "miss" in read ? read.miss : "the cached arrays do not fit together";
  }
  // Decoding takes long enough that a silent wait would look like a hang.
  const later = useCache ? "; the result is cached for later loads" : "";
  console.info(`cifar10: decoding the ${split} JPEGs (${why})${later}`);
  const decoded = await decodeSplit(archive, index);
  if (useCache) {
    try {
      await writeCache(cache, key, {
        images: decoded.images.data,
        labels: Uint8Array.from(decoded.labels),
      });
    } catch (err) {
      // A read-only checkout still works, only without the speed-up.
      console.warn(`cifar10: could not write the decoded cache: ${(err as Error).message}`);
    }
  }
  return decoded;
}
