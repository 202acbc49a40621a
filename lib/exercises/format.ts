/**
 * How the exercise graders write numbers and errors into their messages, the same in every
 * chapter.
 *
 * @module
 */

/** Shortest readable form of a number for messages: four significant digits, or NaN/Infinity. */
export function show(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

/** A list of numbers for messages, each as {@link show} writes it. */
export function showList(values: ArrayLike<number>): string {
  return `[${Array.from(values, show).join(", ")}]`;
}

/** The message of an error, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
