/**
 * The bAbI question-answering tasks 1–20 (English, 1k version): short stories of simple
 * sentences, with questions whose answers follow from a few "supporting" sentences.
 *
 * @module
 */

import { type DataOptions, gunzipVerified, readDataFile, restoreHint } from "./source.ts";

/** The names of the 20 tasks, in task order (task n is `BABI_TASKS[n - 1]`). */
export const BABI_TASKS: readonly string[] = Object.freeze([
  "single-supporting-fact",
  "two-supporting-facts",
  "three-supporting-facts",
  "two-arg-relations",
  "three-arg-relations",
  "yes-no-questions",
  "counting",
  "lists-sets",
  "simple-negation",
  "indefinite-knowledge",
  "basic-coreference",
  "conjunction",
  "compound-coreference",
  "time-reasoning",
  "basic-deduction",
  "basic-induction",
  "positional-reasoning",
  "size-reasoning",
  "path-finding",
  "agents-motivations",
]);

/** A statement of a story. */
export interface BabiSentence {
  /** Its line number within the story (from 1; questions take numbers too). */
  readonly id: number;
  /** The sentence, e.g. "Mary moved to the bathroom." */
  readonly text: string;
}

/** A question about a story, with the sentences told before it. */
export interface BabiQuestion {
  /** Its line number within the story. */
  readonly id: number;
  /** The question, e.g. "Where is Mary?" */
  readonly question: string;
  /** The answer; some tasks answer with a comma-separated list (e.g. "s,e" for directions). */
  readonly answer: string;
  /** Line numbers of the sentences the answer follows from. */
  readonly supportingFacts: readonly number[];
  /** The story's sentences before the question, in order. */
  readonly context: readonly BabiSentence[];
}

/** A story: its sentences and the questions asked along the way. */
export interface BabiStory {
  /** Every statement of the story, in order. */
  readonly sentences: readonly BabiSentence[];
  /** Every question, in order. */
  readonly questions: readonly BabiQuestion[];
}

/**
 * Parses a bAbI task file: lines `ID text`, and `ID question<TAB>answer<TAB>supporting IDs` for
 * questions; IDs restart at 1 with each new story.
 *
 * @throws when a line does not follow the format, naming `what` and the line number.
 */
export function parseBabi(text: string, what = "bAbI text"): BabiStory[] {
  const stories: { sentences: BabiSentence[]; questions: BabiQuestion[] }[] = [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((line, i) => {
    const fail = (why: string) => new Error(`${what}, line ${i + 1}: ${why}: "${line}"`);
    const m = line.match(/^(\d+) (.*)$/);
    if (!m) throw fail("expected a line number, a space and text");
    const id = Number(m[1]);
    if (id === 1) stories.push({ sentences: [], questions: [] });
    const story = stories.at(-1);
    if (!story) throw fail("the first story does not start at line number 1");
    const fields = m[2].split("\t");
    if (fields.length === 1) {
      story.sentences.push({ id, text: fields[0].trim() });
      return;
    }
    if (fields.length !== 3) throw fail("a question needs question, answer and supporting facts");
    const supportingFacts = fields[2].trim().split(/\s+/).map(Number);
    if (!supportingFacts.every((f) => Number.isInteger(f) && f >= 1 && f < id)) {
      throw fail("supporting facts must be earlier line numbers");
    }
    story.questions.push({
      id,
      question: fields[0].trim(),
      answer: fields[1].trim(),
      supportingFacts,
      context: story.sentences.slice(),
    });
  });
  return stories;
}

/**
 * The stories of bAbI task `task` (1–20), `split` "train" or "test". Every file holds 1,000
 * questions; most hold 200 stories.
 *
 * @example
 * ```ts
 * const stories = await loadBabi(1, "train");
 * const q = stories[0].questions[0]; // "Where is Mary?" → "bathroom", supported by line 1
 * ```
 */
export async function loadBabi(
  task: number,
  split: "train" | "test" = "train",
  options?: DataOptions,
): Promise<BabiStory[]> {
  if (!Number.isInteger(task) || task < 1 || task > 20) {
    throw new Error(`loadBabi: task must be a whole number from 1 to 20, got ${task}`);
  }
  if (split !== "train" && split !== "test") {
    throw new Error(`loadBabi: split must be "train" or "test", got ${String(split)}`);
  }
  const file = await readDataFile(
    "babi",
    `en/qa${task}_${BABI_TASKS[task - 1]}_${split}.txt.gz`,
    options,
  );
  const text = new TextDecoder().decode(await gunzipVerified(file));
  try {
    return parseBabi(text, file.label);
  } catch (err) {
    throw new Error(`${(err as Error).message}. ${restoreHint("babi", options)}`);
  }
}
