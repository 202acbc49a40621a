/**
 * Test helpers that ship with the library: numeric asserts and finite-difference gradient checks.
 *
 * @module
 */

export {
  assertClose,
  assertRejectsWith,
  assertThrowsWith,
  type CloseOptions,
  type Comparable,
} from "./assert.ts";
export { gradcheck, type GradcheckOptions, type GradcheckResult } from "./gradcheck.ts";
