/**
 * What an exercise check says about an answer: right or not yet, and why. Checks print it in the
 * notebook and never throw, so a wrong answer does not stop the run.
 *
 * @module
 */

/** The outcome of checking one answer. */
export interface Verdict {
  /** Whether the answer is right. */
  readonly ok: boolean;
  /** Why: what the answer got right, or where it goes wrong and a hint. */
  readonly message: string;
}

/** A right answer, with what it shows. */
export function right(message: string): Verdict {
  return { ok: true, message };
}

/** A wrong answer, with where it goes wrong. */
export function notYet(message: string): Verdict {
  return { ok: false, message };
}

/** The verdict as one line: `✓ right: …` or `✗ not yet: …`. */
export function formatVerdict(verdict: Verdict): string {
  return `${verdict.ok ? "✓ right" : "✗ not yet"}: ${verdict.message}`;
}

/**
 * Turns a grader (answer → verdict) into a notebook check that prints the verdict. An answer that
 * makes the grader throw (a function that throws, say) is reported as not yet, with its error.
 */
export function checker<A>(grade: (answer: A) => Verdict): (answer: A) => void {
  return (answer) => {
    let verdict: Verdict;
    try {
      verdict = grade(answer);
    } catch (error) {
      verdict = notYet(
        `checking your answer raised an error: ${error instanceof Error ? error.message : error}`,
      );
    }
    console.log(formatVerdict(verdict));
  };
}
