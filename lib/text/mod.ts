/**
 * Text for word models: splitting prose into words, a word vocabulary with counts, and the
 * pieces of word2vec's skip-gram training (subsampling of frequent words, context pairs, a
 * sampler of negative words, and the mini-batches that `fit` trains on).
 *
 * @example
 * ```ts
 * import { loadWarAndPeace, SkipGramBatches, skipGramPairs, subsampleFrequent, tokenizeWords,
 *   UnigramSampler, WordVocab } from "./lib/mod.ts";
 * const tokens = tokenizeWords(await loadWarAndPeace());
 * const vocab = WordVocab.fromTokens(tokens, { minCount: 5 });
 * const ids = subsampleFrequent(vocab.encode(tokens, { dropUnknown: true }), vocab.counts, 1e-3);
 * const batches = new SkipGramBatches(skipGramPairs(ids, 5), new UnigramSampler(vocab.counts), {
 *   batchSize: 1024,
 * }); // for fit: x [1024, 7] int32 (centre, context, 5 negatives), y [1024, 6] labels
 * ```
 *
 * @module
 */

export { type SkipGramPairs, skipGramPairs } from "./skip_gram.ts";
export {
  type SkipGramBatch,
  SkipGramBatches,
  type SkipGramBatchOptions,
} from "./skip_gram_batches.ts";
export { keepProbabilities, subsampleFrequent } from "./subsample.ts";
export { tokenizeWords } from "./tokenize.ts";
export { UnigramSampler } from "./unigram_sampler.ts";
export { type EncodeOptions, WordVocab, type WordVocabOptions } from "./word_vocab.ts";
