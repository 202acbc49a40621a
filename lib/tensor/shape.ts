/**
 * Shape arithmetic: sizes, strides, broadcasting and axis normalisation.
 *
 * Everything here works on plain number arrays, so backends and ops share one definition of what a
 * shape means.
 *
 * @module
 */

/** The extent of each dimension, outermost first. A scalar has shape `[]`. */
export type Shape = readonly number[];

/** Number of elements in a tensor of this shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor of this shape, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Whether a view with these strides lays its elements out row-major with no gaps. Dimensions of
 * size 1 may carry any stride, because they are never stepped over.
 */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Formats a shape the way error messages print it: `[2, 3]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

/** Whether two shapes are equal. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The shape two operands broadcast to, NumPy style: align trailing dimensions; each pair must be
 * equal or one of them 1.
 *
 * @throws when the shapes are incompatible, naming the op and both shapes.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together ` +
          `(dimension ${i - rank} is ${da} vs ${db}; each pair must match or be 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Turns a possibly negative axis into an index in `[0, rank)`.
 *
 * @throws when the axis is out of range, naming the op.
 */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(
      `${op}: axis ${axis} is out of range for a tensor of rank ${rank} ` +
        `(valid: ${-rank} to ${rank - 1})`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Normalises an axis argument for reductions: `undefined` means every axis; a number or a list is
 * normalised, sorted and checked for repeats.
 */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = (typeof axes === "number" ? [axes] : [...axes]).map((a) =>
    normalizeAxis(op, a, rank)
  );
  list.sort((x, y) => x - y);
  for (let i = 1; i < list.length; i++) {
    if (list[i] === list[i - 1]) throw new Error(`${op}: axis ${list[i]} is listed twice`);
  }
  return list;
}

/** The shape after reducing `axes`: kept as size 1 when `keepDims`, dropped otherwise. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** Checks that a shape is a list of non-negative integers. */
export function assertValidShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(
      `${op}: a shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
}

/**
 * Output length of a sliding window (convolution or pooling) along one dimension:
 * `floor((input + padBefore + padAfter - dilation·(kernel - 1) - 1) / stride) + 1`.
 */
export function windowOutputSize(
  input: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation = 1,
): number {
  return Math.floor((input + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}
