/**
 * Argument handling shared by convolution and pooling: pairs, and padding given as 'same', 'valid'
 * or numbers, resolved to explicit top/bottom/left/right amounts.
 *
 * @module
 */

/** A per-dimension amount: one number for both, or [height, width]. */
export type Pair = number | readonly [number, number];

/**
 * How a window treats the border:
 * - `'valid'`: no padding; windows stay inside the input.
 * - `'same'`: TensorFlow's rule: the output has ceil(input / stride) positions and the padding is
 *   split evenly, any odd element going after (bottom, right).
 * - a number, `[height, width]`, or `[top, bottom, left, right]`: explicit zero padding.
 */
export type Padding2d =
  | "same"
  | "valid"
  | number
  | readonly [number, number]
  | readonly [number, number, number, number];

/** Expands a {@link Pair} and checks that both entries are positive integers (or ≥ 0 when allowed). */
export function pair(op: string, name: string, value: Pair, allowZero = false): [number, number] {
  const p: [number, number] = typeof value === "number" ? [value, value] : [value[0], value[1]];
  const ok = (v: number) => Number.isInteger(v) && (allowZero ? v >= 0 : v >= 1);
  if (!ok(p[0]) || !ok(p[1]) || (typeof value !== "number" && value.length !== 2)) {
    throw new Error(
      `${op}: ${name} must be ${
        allowZero ? "a non-negative" : "a positive"
      } integer or a pair of them, got ${JSON.stringify(value)}`,
    );
  }
  return p;
}

/** Resolves {@link Padding2d} for an input of spatial size [inH, inW] into [top, bottom, left, right]. */
export function resolvePadding(
  op: string,
  padding: Padding2d,
  input: readonly [number, number],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
): [number, number, number, number] {
  const invalid = () =>
    new Error(
      `${op}: padding must be 'same', 'valid', a non-negative integer, [height, width] or ` +
        `[top, bottom, left, right], got ${JSON.stringify(padding)}`,
    );
  // Checked first: a string such as 'full' has a length, and would be read as a tuple below.
  if (typeof padding === "string" && padding !== "same" && padding !== "valid") throw invalid();
  if (padding === "valid") return [0, 0, 0, 0];
  if (padding === "same") {
    const split = (dim: 0 | 1): [number, number] => {
      const out = Math.ceil(input[dim] / stride[dim]);
      const total = Math.max(
        (out - 1) * stride[dim] + (kernel[dim] - 1) * dilation[dim] + 1 - input[dim],
        0,
      );
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    return [...split(0), ...split(1)];
  }
  if (typeof padding === "number" || padding.length === 2) {
    const [ph, pw] = pair(op, "padding", padding as Pair, true);
    return [ph, ph, pw, pw];
  }
  if (padding.length === 4 && padding.every((p) => Number.isInteger(p) && p >= 0)) {
    return [padding[0], padding[1], padding[2], padding[3]];
  }
  throw invalid();
}
