/**
 * A CoNLL-U parser (https://universaldependencies.org/format.html): sentences of syntactic words
 * with lemma, part-of-speech tags, morphological features and a dependency tree.
 *
 * CoNLL-U has three kinds of token lines, told apart by their ID: a syntactic word (`3`), a
 * multiword token spanning words (`3-4`, e.g. "don't" over "do" and "n't") and an empty node of
 * enhanced dependencies (`8.1`). Only words form the basic tree and take part in tagging, so they
 * are kept apart from the other two.
 *
 * @module
 */

/** A syntactic word. Fields other than `id` and `head` keep CoNLL-U's text, with `_` for none. */
export interface ConlluWord {
  /** Position in the sentence, from 1. */
  readonly id: number;
  /** The word as written. */
  readonly form: string;
  /** Dictionary form. */
  readonly lemma: string;
  /** Universal part-of-speech tag (one of {@link UPOS_TAGS}). */
  readonly upos: string;
  /** Language-specific tag (Penn Treebank for English). */
  readonly xpos: string;
  /** Morphological features, `Name=Value|…`. */
  readonly feats: string;
  /** The id of the word's head in the basic tree; 0 for the root. */
  readonly head: number;
  /** Relation to the head (e.g. `nsubj`). */
  readonly deprel: string;
  /** Enhanced dependencies, `head:deprel|…`. */
  readonly deps: string;
  /** Anything else (e.g. `SpaceAfter=No`). */
  readonly misc: string;
}

/** A multiword token: one written form over several words (ID `start-end`). */
export interface ConlluMultiwordToken {
  /** Id of its first word. */
  readonly start: number;
  /** Id of its last word. */
  readonly end: number;
  /** The written form. */
  readonly form: string;
  /** The MISC column. */
  readonly misc: string;
}

/** An empty node of the enhanced graph (ID `word.index`), e.g. an elided verb. */
export interface ConlluEmptyNode {
  /** Its id as written, e.g. `8.1`. */
  readonly id: string;
  /** The id of the word it follows (0 before the first). */
  readonly after: number;
  /** The form. */
  readonly form: string;
  /** The lemma. */
  readonly lemma: string;
  /** Universal part-of-speech tag. */
  readonly upos: string;
  /** Language-specific tag. */
  readonly xpos: string;
  /** Morphological features. */
  readonly feats: string;
  /** Enhanced dependencies. */
  readonly deps: string;
  /** The MISC column. */
  readonly misc: string;
}

/** One sentence of a CoNLL-U file. */
export interface ConlluSentence {
  /** The `# sent_id = …` comment, if any. */
  readonly sentId?: string;
  /** The `# text = …` comment (the sentence as written), if any. */
  readonly text?: string;
  /** Every comment line, without the leading `# `. */
  readonly comments: readonly string[];
  /** The syntactic words, ids 1 … n in order. */
  readonly words: readonly ConlluWord[];
  /** The multiword tokens. */
  readonly multiwordTokens: readonly ConlluMultiwordToken[];
  /** The empty nodes. */
  readonly emptyNodes: readonly ConlluEmptyNode[];
}

/** The 17 universal part-of-speech tags of Universal Dependencies v2. */
export const UPOS_TAGS: readonly string[] = Object.freeze([
  "ADJ",
  "ADP",
  "ADV",
  "AUX",
  "CCONJ",
  "DET",
  "INTJ",
  "NOUN",
  "NUM",
  "PART",
  "PRON",
  "PROPN",
  "PUNCT",
  "SCONJ",
  "SYM",
  "VERB",
  "X",
]);

/**
 * Parses CoNLL-U text into sentences. Sentences end at blank lines; the last may end at the end
 * of the text instead.
 *
 * @throws on a token line without 10 TAB-separated columns, a bad ID, words out of order, or a head
 * outside the sentence, naming `what` and the line number.
 */
export function parseConllu(text: string, what = "CoNLL-U text"): ConlluSentence[] {
  const sentences: ConlluSentence[] = [];
  let comments: string[] = [], words: ConlluWord[] = [];
  let multiwordTokens: ConlluMultiwordToken[] = [], emptyNodes: ConlluEmptyNode[] = [];
  let firstLine = 0;
  const finish = () => {
    if (words.length === 0 && comments.length === 0) return;
    if (words.length === 0) throw new Error(`${what}, line ${firstLine}: a sentence has no words`);
    for (const w of words) {
      if (w.head > words.length) {
        throw new Error(
          `${what}: sentence from line ${firstLine}: word ${w.id} has head ${w.head}`,
        );
      }
    }
    const field = (key: string) =>
      comments.find((c) => c.startsWith(`${key} = `))?.slice(key.length + 3);
    sentences.push({
      sentId: field("sent_id"),
      text: field("text"),
      comments,
      words,
      multiwordTokens,
      emptyNodes,
    });
    comments = [];
    words = [];
    multiwordTokens = [];
    emptyNodes = [];
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith("\r") ? lines[i].slice(0, -1) : lines[i];
    if (line === "") {
      finish();
      continue;
    }
    if (words.length === 0 && comments.length === 0) firstLine = i + 1;
    if (line.startsWith("#")) {
      comments.push(line.replace(/^#\s?/, ""));
      continue;
    }
    const cols = line.split("\t");
    const fail = (why: string) => new Error(`${what}, line ${i + 1}: ${why}: "${line}"`);
    if (cols.length !== 10) throw fail(`expected 10 TAB-separated columns, found ${cols.length}`);
    const [id, form, lemma, upos, xpos, feats, head, deprel, deps, misc] = cols;
    let m: RegExpMatchArray | null;
    if ((m = id.match(/^(\d+)-(\d+)$/))) {
      const start = Number(m[1]), end = Number(m[2]);
      if (start !== words.length + 1 || end < start) {
        throw fail("the multiword range is out of place");
      }
      multiwordTokens.push({ start, end, form, misc });
    } else if ((m = id.match(/^(\d+)\.(\d+)$/))) {
      if (Number(m[1]) !== words.length) throw fail("the empty node is out of place");
      emptyNodes.push({ id, after: Number(m[1]), form, lemma, upos, xpos, feats, deps, misc });
    } else if (/^\d+$/.test(id)) {
      if (Number(id) !== words.length + 1) throw fail(`expected word ${words.length + 1}`);
      if (!/^\d+$/.test(head)) throw fail("the head must be a word id or 0");
      words.push({
        id: Number(id),
        form,
        lemma,
        upos,
        xpos,
        feats,
        head: Number(head),
        deprel,
        deps,
        misc,
      });
    } else {
      throw fail("the ID must look like 3, 3-4 or 3.1");
    }
  }
  finish();
  return sentences;
}
