/**
 * Learning without labels: image augmentations and the paired views of contrastive learning, the
 * NT-Xent loss of SimCLR, k-means with k-means++ seeding and cluster purity, a small labelled
 * subset, and the linear probe that measures what a representation knows.
 *
 * @example
 * ```ts
 * import { clusterPurity, kMeans } from "./lib/mod.ts";
 * const { assignments } = kMeans([[0, 0], [0, 1], [9, 9], [9, 8]], 2);
 * console.log(clusterPurity(assignments, [0, 0, 1, 1])); // 1
 * ```
 *
 * @module
 */

export {
  contrastiveViews,
  type ContrastiveViewsOptions,
  gaussianNoise,
  type GaussianNoiseOptions,
  type ImageArray,
  randomAffine,
  type RandomAffineOptions,
  randomErasing,
  type RandomErasingOptions,
} from "./augment.ts";
export { ntXentLoss, type NtXentOptions } from "./nt_xent.ts";
export {
  clusterLabelCounts,
  clusterPurity,
  kMeans,
  type KMeansInput,
  type KMeansOptions,
  type KMeansResult,
} from "./kmeans.ts";
export { labelledSubset, type LabelledSubsetOptions } from "./labelled_subset.ts";
export { type LinearProbe, type LinearProbeOptions, trainLinearProbe } from "./linear_probe.ts";
