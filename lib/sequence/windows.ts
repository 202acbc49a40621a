/**
 * Fixed-size windows around every token of a corpus: the input of a feed-forward tagger, which sees
 * a few neighbours on each side and nothing further.
 *
 * @module
 */

/** Options of {@link tokenWindows}. */
export interface WindowOptions {
  /** The value of positions beyond a sequence's ends (default 0, `TokenVocab`'s `<pad>`). */
  readonly padValue?: number;
  /**
   * Numbers per token (default 1): each sequence is then `length × features` numbers, token
   * after token (a word id, a suffix id … for each), and every window position holds them all.
   */
  readonly features?: number;
}

/**
 * For every token of every sequence, the tokens from `radius` before it to `radius` after it, with
 * `padValue` beyond the sequence's ends: one window of 2·radius + 1 positions per token, all
 * sequences one after another. Returned flat, row-major, with its shape [tokens, 2·radius + 1]
 * (or [tokens, 2·radius + 1, features]), ready for a `DataLoader` column.
 *
 * @example
 * ```ts
 * tokenWindows([[5, 6, 7]], 1).data; // windows [0, 5, 6], [5, 6, 7], [6, 7, 0]
 * ```
 */
export function tokenWindows(
  sequences: readonly ArrayLike<number>[],
  radius: number,
  options: WindowOptions = {},
): { data: Int32Array; shape: number[] } {
  const { padValue = 0, features = 1 } = options;
  if (!Number.isInteger(radius) || radius < 0) {
    throw new Error(`tokenWindows: radius must be a whole number ≥ 0, got ${radius}`);
  }
  if (!Number.isInteger(padValue)) {
    throw new Error(`tokenWindows: padValue must be an integer, got ${padValue}`);
  }
  if (!Number.isInteger(features) || features < 1) {
    throw new Error(`tokenWindows: features must be a whole number ≥ 1, got ${features}`);
  }
  sequences.forEach((s, i) => {
    if (s.length % features !== 0) {
      throw new Error(
        `tokenWindows: sequence ${i} has ${s.length} numbers, not a multiple of ${features} ` +
          "features per token",
      );
    }
  });
  const width = 2 * radius + 1;
  const tokens = sequences.reduce((n, s) => n + s.length / features, 0);
  const data = new Int32Array(tokens * width * features).fill(padValue);
  let row = 0;
  for (const s of sequences) {
    const length = s.length / features;
    for (let t = 0; t < length; t++, row++) {
      for (let k = -radius; k <= radius; k++) {
        if (t + k < 0 || t + k >= length) continue;
        const to = (row * width + k + radius) * features;
        for (let f = 0; f < features; f++) data[to + f] = s[(t + k) * features + f];
      }
    }
  }
  return { data, shape: features === 1 ? [tokens, width] : [tokens, width, features] };
}
