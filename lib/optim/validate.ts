/**
 * Checks on hyperparameters, so that a typo (a negative rate, a momentum of 9) fails at once with the
 * name of the option instead of diverging a hundred steps later.
 *
 * @module
 */

/** Throws unless `value` is a finite number ≥ 0. Returns it. */
export function nonNegative(owner: string, name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new Error(`${owner}: ${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a finite number > 0. Returns it. */
export function positive(owner: string, name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new Error(`${owner}: ${name} must be a finite number > 0, got ${value}`);
  }
  return value;
}

/** Throws unless 0 ≤ `value` < 1, the range of a decay rate or momentum. Returns it. */
export function unitInterval(owner: string, name: string, value: number): number {
  if (!(value >= 0 && value < 1)) {
    throw new Error(`${owner}: ${name} must be in [0, 1), got ${value}`);
  }
  return value;
}

/** Throws unless `value` is an integer ≥ 1. Returns it. */
export function positiveInteger(owner: string, name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new Error(`${owner}: ${name} must be an integer >= 1, got ${value}`);
  }
  return value;
}
