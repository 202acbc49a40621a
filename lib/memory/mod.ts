/**
 * Memory-augmented networks: the Neural Turing Machine's addressing (content, interpolation,
 * shift, sharpening), reading and writing, the Differentiable Neural Computer's usage and
 * temporal links, a Neural Turing Machine, an end-to-end memory network, and the copy task.
 *
 * @example
 * ```ts
 * import { bitErrorRate, copyTaskBatch, NeuralTuringMachine } from "./lib/mod.ts";
 * const ntm = new NeuralTuringMachine({ inputSize: 9, outputSize: 8 });
 * const { inputs, targets } = copyTaskBatch(32, 10, 8);
 * const logits = ntm.forward(inputs).slice([0, 11, 0], [32, 10, 8]);
 * console.log(bitErrorRate(logits, targets));
 * ```
 *
 * @module
 */

export {
  circularShift,
  contentAddressing,
  type HeadParameters,
  interpolateWeighting,
  memoryRead,
  memoryWrite,
  ntmAddress,
  sharpenWeighting,
  slotSimilarity,
} from "./addressing.ts";
export { bitErrorRate, type CopyBatch, copyTaskBatch } from "./copy_task.ts";
export { dncDirectional, dncLinks, dncPrecedence, dncUsage } from "./dnc.ts";
export { NeuralTuringMachine, type NtmOptions, type NtmResult } from "./ntm.ts";
export {
  type BabiBatch,
  babiBatch,
  babiQuestions,
  babiVocab,
  babiWords,
  encodeBabi,
  type EncodedBabi,
} from "./babi_encoding.ts";
export {
  MemoryNetwork,
  type MemoryNetworkOptions,
  type MemoryNetworkResult,
  positionEncoding,
} from "./memn2n.ts";
