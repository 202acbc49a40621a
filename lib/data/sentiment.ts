/**
 * The UCI Sentiment Labelled Sentences: 1,000 review sentences each from Amazon, IMDb and Yelp,
 * labelled positive or negative, 500 of each per source.
 *
 * @module
 */

import { type DataOptions, readDataFile, restoreHint } from "./source.ts";

/** Where a sentence comes from. */
export type SentimentSource = "amazon" | "imdb" | "yelp";

/** One labelled sentence. */
export interface SentimentExample {
  /** The sentence, with surrounding whitespace removed. */
  readonly sentence: string;
  /** 1 for positive, 0 for negative. */
  readonly label: 0 | 1;
  /** The review site. */
  readonly source: SentimentSource;
}

const FILES: Readonly<Record<SentimentSource, string>> = {
  amazon: "amazon_cells_labelled.txt",
  imdb: "imdb_labelled.txt",
  yelp: "yelp_labelled.txt",
};

/**
 * The labelled sentences of the given sources (default all three, 3,000 sentences), source by
 * source in file order. Each line is `sentence<TAB>label`; sentences may hold quotes, so no CSV
 * quoting rules apply.
 */
export async function loadSentiment(
  options: DataOptions & { sources?: readonly SentimentSource[] } = {},
): Promise<SentimentExample[]> {
  const examples: SentimentExample[] = [];
  for (const source of options.sources ?? ["amazon", "imdb", "yelp"] as const) {
    if (!(source in FILES)) {
      throw new Error(`loadSentiment: unknown source "${source}"; use amazon, imdb or yelp`);
    }
    const file = await readDataFile("sentiment_labelled_sentences", FILES[source], options);
    const lines = new TextDecoder().decode(file.bytes).split("\n");
    if (lines.at(-1) === "") lines.pop();
    lines.forEach((line, i) => {
      const tab = line.lastIndexOf("\t");
      const label = line.slice(tab + 1).trim();
      if (tab < 0 || (label !== "0" && label !== "1")) {
        throw new Error(
          `${file.label}, line ${i + 1}: expected "sentence<TAB>0" or "sentence<TAB>1". ` +
            restoreHint("sentiment_labelled_sentences", options),
        );
      }
      examples.push({ sentence: line.slice(0, tab).trim(), label: label === "1" ? 1 : 0, source });
    });
  }
  return examples;
}
