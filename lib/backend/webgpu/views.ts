/**
 * Parameter words that describe views to a kernel: the element count, a collapsed output shape and
 * each operand's offset and strides over it (read in WGSL by the prelude's `viewOffset`).
 *
 * @module
 */

import type { TensorInfo } from "../contract.ts";
import { collapse } from "../../tensor/layout.ts";
import { sizeOf } from "../../tensor/shape.ts";
import { MAX_RANK } from "./prelude.ts";

/** Word of the element count. */
export const COUNT = 0;
/** Word of the collapsed rank. */
export const RANK = 1;
/** First word of the collapsed shape. */
export const SHAPE = 2;
/** First word of operand k's view: `VIEW + k * VIEW_WORDS` holds its offset, then its strides. */
export const VIEW = SHAPE + MAX_RANK;
/** Words per operand view. */
export const VIEW_WORDS = 1 + MAX_RANK;
/** First word free for a kernel's own scalars (after up to four operand views). */
export const SCALARS = VIEW + 4 * VIEW_WORDS;

/**
 * The view words of `views` read over `shape` (each view has that shape, possibly with zero
 * strides). Throws when even the collapsed shape has more than {@link MAX_RANK} dimensions.
 */
export function viewWords(shape: readonly number[], views: readonly TensorInfo[]): number[] {
  const walk = collapse(shape, views.map((v) => v.strides));
  assertRank(shape, walk.shape.length);
  const words = new Array<number>(SCALARS).fill(0);
  words[COUNT] = sizeOf(shape);
  words[RANK] = walk.shape.length;
  walk.shape.forEach((d, i) => words[SHAPE + i] = d);
  views.forEach((v, k) => {
    words[VIEW + k * VIEW_WORDS] = v.offset;
    walk.strides[k].forEach((s, i) => words[VIEW + k * VIEW_WORDS + 1 + i] = s);
  });
  return words;
}

/**
 * Throws when views of `shape` still have `rank` dimensions after collapsing and that is more
 * than kernels address ({@link MAX_RANK}).
 */
export function assertRank(shape: readonly number[], rank: number): void {
  if (rank > MAX_RANK) {
    throw new Error(
      `webgpu: a view of shape [${shape}] has ${rank} dimensions that do not merge; ` +
        `kernels take at most ${MAX_RANK}. Reshape a contiguous copy (x.contiguous()) first.`,
    );
  }
}
