/**
 * Plain-text corpora for character and word models: Tiny Shakespeare and War and Peace.
 *
 * @module
 */

import { type DataOptions, gunzipVerified, readDataFile } from "./source.ts";

/** Reads a gzip-compressed text whose stored and decompressed sha256 are both checked. */
async function loadText(set: string, file: string, options?: DataOptions): Promise<string> {
  const verified = await readDataFile(set, file, options);
  return new TextDecoder("utf-8", { fatal: true }).decode(await gunzipVerified(verified));
}

/**
 * Karpathy's Tiny Shakespeare (from char-rnn): 1,115,394 characters of plays in "SPEAKER:\nline"
 * form, with 65 distinct characters.
 */
export function loadTinyShakespeare(options?: DataOptions): Promise<string> {
  return loadText("tinyshakespeare", "input.txt.gz", options);
}

/**
 * War and Peace (the Maude translation, as distributed with char-rnn): 3,196,228 characters of
 * ASCII text, hard-wrapped, with blank lines between paragraphs.
 */
export function loadWarAndPeace(options?: DataOptions): Promise<string> {
  return loadText("warpeace", "warpeace_input.txt.gz", options);
}
