/**
 * Data: loaders for the course's shipped data sets, and the DataLoader that turns examples into
 * mini-batches of tensors.
 *
 * - Every loader checks each file's sha256 against the set's SOURCE.md before decoding it, and
 *   reports a missing or corrupt file with its path and the command that restores it. Loaders take
 *   an optional `root` to read a copy of `data/` elsewhere.
 * - Image sets come as bytes on the host (`ImageSet`); `imagesToTensor` and `labelsToTensor` make
 *   tensors of them, and a `DataLoader` makes batches of them, with seeded shuffling, scaling,
 *   normalisation and augmentation.
 * - `classCounts` and `splitClassCounts` summarise labels as nodejs-polars DataFrames.
 *
 * @example
 * ```ts
 * import { DataLoader, loadMnist, rescale } from "./lib/data/mod.ts";
 * const train = await loadMnist("train");
 * const batches = new DataLoader(
 *   { x: { data: train.images.data, shape: [60000, 784] }, y: train.labels },
 *   { batchSize: 128, shuffle: true, seed: 0, transforms: { x: [rescale(1 / 255)] } },
 * );
 * ```
 *
 * @module
 */

export {
  type DataOptions,
  dataRoot,
  gunzipVerified,
  parseSourceTable,
  readDataFile,
  readSourceTable,
  type SourceEntry,
  type VerifiedFile,
} from "./source.ts";
export { sha256Hex } from "./digest.ts";
export { gunzip } from "./gzip.ts";

export { type ArrayColumn, type Column, type ColumnDType, type NumericArray } from "./columns.ts";
export {
  type ImageSet,
  imagesToTensor,
  type ImageTensorOptions,
  labelsToTensor,
} from "./image_set.ts";
export { loadMnist, MNIST_CLASSES } from "./mnist.ts";
export { CIFAR10_CLASSES, type Cifar10Options, loadCifar10 } from "./cifar10.ts";
export { loadTinyShakespeare, loadWarAndPeace } from "./text.ts";
export { CharVocab } from "./vocab.ts";
export {
  BABI_TASKS,
  type BabiQuestion,
  type BabiSentence,
  type BabiStory,
  loadBabi,
  parseBabi,
} from "./babi.ts";
export {
  type ConlluEmptyNode,
  type ConlluMultiwordToken,
  type ConlluSentence,
  type ConlluWord,
  parseConllu,
  UPOS_TAGS,
} from "./conllu.ts";
export { loadUdEnglishEwt } from "./ud_english_ewt.ts";
export { loadSentiment, type SentimentExample, type SentimentSource } from "./sentiment.ts";

export { type Batch, DataLoader, type DataLoaderOptions } from "./dataloader.ts";
export { type Split, type SplitOptions, trainValidationSplit } from "./split.ts";
export {
  type ChannelStats,
  normalize,
  randomCrop,
  randomHorizontalFlip,
  rescale,
  type Transform,
} from "./transforms.ts";
export { channelStats } from "./stats.ts";
export { classCounts, splitClassCounts } from "./summary.ts";
