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

/** A chapter's exercises module, as far as checking its solutions goes. */
export interface GradedChapter {
  readonly grade: Readonly<Record<string, (answer: never) => Verdict>>;
  readonly solutions: Readonly<Record<string, unknown>>;
}

/** Asserts that every exercise of a chapter has a solution, and that it passes its grader. */
export function assertSolutionsPass(chapter: GradedChapter): void {
  const names = Object.keys(chapter.grade);
  assert.ok(names.length > 0, "the chapter has no graded exercises");
  for (const name of names) {
    assert.ok(name in chapter.solutions, `${name} has no solution`);
    const grade = chapter.grade[name] as (answer: unknown) => Verdict;
    const verdict = grade(chapter.solutions[name]);
    assert.ok(verdict.ok, `${name}: ${verdict.message}`);
  }
}
