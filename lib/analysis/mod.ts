/**
 * Analysis of what a network has learned: tools that summarise its weights or features for
 * people, such as principal component analysis for drawing high-dimensional features in two
 * dimensions.
 *
 * @example
 * ```ts
 * import { pca, scatter } from "./lib/mod.ts";
 * const fitted = await pca(features, { components: 2 }); // features: a tensor [N, D]
 * const points = await fitted.project(features);
 * scatter({ x: points.map((p) => p[0]), y: points.map((p) => p[1]), label: labels });
 * ```
 *
 * @module
 */

export { Pca, pca, type PcaInput, type PcaOptions } from "./pca.ts";
export { tsne, type TsneInput, type TsneOptions, type TsneResult } from "./tsne.ts";
