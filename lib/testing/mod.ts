/**
 * Test helpers that ship with the library: numeric asserts and finite-difference gradient checks.
 *
 * @module
 */

export {
  assertClose,
  assertCloseAsync,
  assertRejectsWith,
  assertThrowsWith,
  type AsyncComparable,
  type CloseOptions,
  type Comparable,
} from "./assert.ts";
export {
  gradcheck,
  type GradcheckOptions,
  type GradcheckPrecision,
  type GradcheckResult,
} from "./gradcheck.ts";
