/**
 * Sequence models' pieces beyond the recurrent layers of `nn`: a token vocabulary, padded batches
 * with masks and length bucketing, losses over padded batches, reading sequences both ways,
 * dot-product attention, and decoding (sampling with a temperature, greedy and beam search).
 *
 * @example
 * ```ts
 * import { lengthBatches, LSTM, maskedCrossEntropy, padSequences, TokenVocab } from "./lib/mod.ts";
 * const vocab = TokenVocab.fromTokens(sentences.flat(), { minCount: 2 });
 * for (const batch of lengthBatches(sentences.map((s) => s.length), 32)) {
 *   const { values, mask } = padSequences(batch.map((i) => vocab.encode(sentences[i])));
 *   // … embed values, run an LSTM, maskedCrossEntropy(logits, labels, mask) …
 * }
 * ```
 *
 * @module
 */

export { type AttentionOptions, type AttentionResult, dotAttention } from "./attention.ts";
export { Bidirectional, reverseSequences } from "./bidirectional.ts";
export { DATE_YEARS, type DateExample, randomDates } from "./dates.ts";
export {
  beamSearch,
  type BeamSearchOptions,
  type DecoderState,
  type DecoderStep,
  type Hypothesis,
  sampleLogits,
} from "./decoding.ts";
export { lastOutputs, maskedCorrect, maskedCrossEntropy } from "./masked.ts";
export {
  lengthBatches,
  type LengthBatchOptions,
  type PaddedBatch,
  type PadOptions,
  padSequences,
} from "./padding.ts";
export { TokenVocab, type TokenVocabOptions } from "./token_vocab.ts";
export { tokenWindows, type WindowOptions } from "./windows.ts";
