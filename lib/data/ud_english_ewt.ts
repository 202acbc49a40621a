/**
 * The Universal Dependencies English Web Treebank (UD_English-EWT r2.16): 16,622 sentences of web
 * text (blogs, reviews, e-mail, questions and answers) with part-of-speech tags and dependency trees.
 *
 * @module
 */

import { type ConlluSentence, parseConllu } from "./conllu.ts";
import { memoize, memoKey } from "./memo.ts";
import { type DataOptions, gunzipVerified, readDataFile, restoreHint } from "./source.ts";

/**
 * One split of EWT (train: 12,544 sentences and 204,577 words; dev: 2,001 and 25,147; test: 2,077
 * and 25,094). The stored and decompressed sha256 are both checked. The result is memoized while you
 * hold it: do not change it in place.
 *
 * @example
 * ```ts
 * const train = await loadUdEnglishEwt("train");
 * const tagged = train.map((s) => s.words.map((w) => [w.form, w.upos]));
 * ```
 */
export async function loadUdEnglishEwt(
  split: "train" | "dev" | "test" = "train",
  options?: DataOptions,
): Promise<ConlluSentence[]> {
  if (split !== "train" && split !== "dev" && split !== "test") {
    throw new Error(
      `loadUdEnglishEwt: split must be "train", "dev" or "test", got ${String(split)}`,
    );
  }
  const file = await readDataFile("ud_english_ewt", `en_ewt-ud-${split}.conllu.gz`, options);
  return await memoize(memoKey("conllu", file), async () => {
    const text = new TextDecoder().decode(await gunzipVerified(file));
    try {
      return parseConllu(text, file.label);
    } catch (err) {
      throw new Error(`${(err as Error).message}. ${restoreHint("ud_english_ewt", options)}`);
    }
  });
}
