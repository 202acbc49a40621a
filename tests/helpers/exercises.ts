/**
 * What the exercise tests share: asserting a wrong answer's verdict, and capturing what a notebook
 * check prints.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Verdict } from "../../lib/exercises/mod.ts";

/** Asserts that `verdict` is not yet, with a message containing every one of `parts`. */
export function assertNotYet(verdict: Verdict, ...parts: string[]): void {
  assert.equal(verdict.ok, false, `expected a wrong answer, got: ${verdict.message}`);
  for (const part of parts) {
    assert.ok(verdict.message.includes(part), `"${verdict.message}" should mention "${part}"`);
  }
}

/** What `fn` prints through console.log, one string per call. */
export function printed(fn: () => void): string[] {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    fn();
  } finally {
    console.log = log;
  }
  return lines;
}
