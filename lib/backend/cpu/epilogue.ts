/**
 * The bias-and-activation epilogue of the reference matmul and conv2d kernels (see the contract's
 * `Epilogue`).
 *
 * @module
 */

import type { Epilogue } from "../contract.ts";
import type { TypedArray } from "../../tensor/dtype.ts";
import { contiguousValues } from "./storage.ts";

/**
 * Applies an epilogue in place to `values`, where element i belongs to channel
 * ⌊i / plane⌋ mod `channels` (matmul: a column, with plane 1; conv2d: an output channel, with plane
 * OH·OW): adds that channel's bias, then the activation. Each sum is stored before the activation
 * reads it back, so it is rounded to the dtype exactly where a separate `add` kernel would round
 * it.
 */
export function applyEpilogue(
  values: TypedArray,
  channels: number,
  plane: number,
  { bias, activation }: Epilogue,
): void {
  if (bias) {
    const bv = contiguousValues(bias);
    for (let i = 0; i < values.length; i++) values[i] += bv[Math.floor(i / plane) % channels];
  }
  if (activation === "relu") {
    // As the relu kernel: `v < 0 ? 0 : v` keeps NaN (and -0).
    for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = 0;
  }
}
