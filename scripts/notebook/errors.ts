/**
 * The errors the notebook runner throws when a notebook cannot be run at all. They live apart from
 * `kernel.ts` so that catching them does not load the zeromq native addon.
 *
 * @module
 */

/** Thrown when a notebook file is missing or is not an nbformat 4 notebook. */
export class NotebookError extends Error {
  /** Builds the error; `message` names the file and the fix. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotebookError";
  }
}

/** Thrown when the kernel cannot be started. */
export class KernelError extends Error {
  /** Builds the error; `message` says what failed and what to check. */
  constructor(message: string) {
    super(message);
    this.name = "KernelError";
  }
}
