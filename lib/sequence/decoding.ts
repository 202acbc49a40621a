/**
 * Generating sequences from a model one token at a time: sampling with a temperature, and beam
 * search (greedy decoding is a beam of one).
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { gather } from "../ops/gather.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import { globalRng, type Rng } from "../tensor/random.ts";
import { formatShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";

/**
 * Draws a class from unnormalised log-probabilities (logits) at a temperature τ: p_i ∝ exp(z_i / τ).
 * τ = 1 samples from the model's own distribution, τ < 1 sharpens it towards the most likely class,
 * τ > 1 flattens it towards uniform, and τ = 0 is the limit: always the most likely class.
 */
export function sampleLogits(
  logits: ArrayLike<number>,
  temperature = 1,
  rng: Rng = globalRng,
): number {
  if (logits.length === 0) throw new Error("sampleLogits: no logits");
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new Error(`sampleLogits: temperature must be a finite number ≥ 0, got ${temperature}`);
  }
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (!Number.isFinite(logits[best])) {
    throw new Error(`sampleLogits: the largest logit is ${logits[best]}; logits must be finite`);
  }
  if (temperature === 0) return best;
  // exp((z − max) / τ) cannot overflow; the draw walks the cumulative sum.
  const weights = Array.from(logits, (z) => Math.exp((z - logits[best]) / temperature));
  let u = rng.uniform() * weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return best; // rounding left u ≥ 0 after the last weight: the mode is a safe answer
}

/**
 * One step of a decoder, as {@link beamSearch} calls it: the previous tokens (int32 [R]), the state
 * and the context of R rows in, logits [R, V] for the next token and the next state out.
 */
export type DecoderStep<S, C> = (
  tokens: Tensor,
  state: S,
  context: C,
) => { readonly logits: Tensor; readonly state: S };

/** What the decoder state may be: tensors whose axis 0 runs over the rows, nested in objects. */
export type DecoderState = Tensor | readonly DecoderState[] | {
  readonly [key: string]: DecoderState;
};

/** Options of {@link beamSearch}. */
export interface BeamSearchOptions<S extends DecoderState, C extends DecoderState> {
  /** The decoder's starting state for each of N examples: every tensor in it has N rows. */
  readonly initial: S;
  /**
   * What the decoder reads but does not change, N rows (e.g. the encoder's states for attention):
   * repeated once for the beams and passed to every step, never reordered.
   */
  readonly context?: C;
  /** One step of the decoder. */
  readonly step: DecoderStep<S, C>;
  /** The token every output starts from (fed at the first step, not part of the output). */
  readonly start: number;
  /** The token that ends an output (not part of it). */
  readonly end: number;
  /** The most tokens an output may have before it is cut off. */
  readonly maxLength: number;
  /** Hypotheses kept per example (default 1: greedy decoding). */
  readonly beamWidth?: number;
}

/** One decoded output. */
export interface Hypothesis {
  /** Its tokens, without the start and end tokens. */
  readonly tokens: number[];
  /** Its log-probability under the model, Σ log p(token | earlier tokens), the end token included. */
  readonly logProb: number;
}

/** Every tensor in a state. */
function tensorsOf(state: DecoderState | undefined): Tensor[] {
  if (state === undefined) return [];
  if (state instanceof Tensor) return [state];
  return (Array.isArray(state) ? state : Object.values(state)).flatMap((s) => tensorsOf(s));
}

/** The rows `rows` of every tensor in a state (axis 0), keeping its structure. */
function selectRows<S extends DecoderState>(state: S, rows: Tensor): S {
  if (state instanceof Tensor) return gather(state, rows) as S;
  if (Array.isArray(state)) return state.map((s) => selectRows(s, rows)) as unknown as S;
  return Object.fromEntries(
    Object.entries(state).map(([k, s]) => [k, selectRows(s as DecoderState, rows)]),
  ) as S;
}

/** log softmax of one row of logits, in float64. */
function logSoftmaxRow(logits: Float32Array, offset: number, size: number): Float64Array {
  let top = -Infinity;
  for (let v = 0; v < size; v++) top = Math.max(top, logits[offset + v]);
  let total = 0;
  for (let v = 0; v < size; v++) total += Math.exp(logits[offset + v] - top);
  const logTotal = top + Math.log(total);
  return Float64Array.from({ length: size }, (_, v) => logits[offset + v] - logTotal);
}

/**
 * Beam search over a decoder, for N examples at once. Each example keeps its `beamWidth` (K) most
 * probable partial outputs; at every step each is extended by every token, and the K most probable
 * of the K·V extensions survive. An output that has produced `end` is finished: it is carried on
 * unchanged, at no cost, so it keeps competing with the others. The search stops when every output
 * is finished or `maxLength` tokens long.
 *
 * With K = 1 this is greedy decoding: the single most likely token at every step. A wider beam can
 * find outputs that greedy decoding misses, whose first token is not the most likely one but
 * whose whole is more probable.
 *
 * Runs without gradients, and frees every tensor it makes. The state's tensors are selected row by
 * row (`gather` on axis 0) as beams are kept and dropped. It reads each step's logits with
 * `dataSync()`, so it runs on the CPU backend.
 *
 * @returns for each example, its K outputs, most probable first.
 */
export function beamSearch<S extends DecoderState, C extends DecoderState = Tensor[]>(
  options: BeamSearchOptions<S, C>,
): Hypothesis[][] {
  const { initial, step, start, end, maxLength, beamWidth = 1 } = options;
  if (!Number.isInteger(beamWidth) || beamWidth < 1) {
    throw new Error(`beamSearch: beamWidth must be a whole number ≥ 1, got ${beamWidth}`);
  }
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new Error(`beamSearch: maxLength must be a whole number ≥ 1, got ${maxLength}`);
  }
  const initialTensors = tensorsOf(initial);
  if (initialTensors.length === 0) throw new Error("beamSearch: the initial state has no tensor");
  const examples = initialTensors[0].shape[0];
  for (const t of [...initialTensors, ...tensorsOf(options.context)]) {
    if (t.shape[0] !== examples) {
      throw new Error(
        `beamSearch: every tensor of the initial state and context needs one row per example ` +
          `(${examples}), got ${formatShape(t.shape)}`,
      );
    }
  }
  const k = beamWidth, rows = examples * k;
  return noGrad(() => {
    // Row e·K + j holds beam j of example e; beams never move between examples, so the context
    // is repeated once and never reordered. At first all K beams are the same empty output, so
    // only beam 0 may be extended (the others start at −∞), or the beam would fill with copies.
    const [state0, context] = tidy(() => {
      const repeat = fromArray(
        Int32Array.from({ length: rows }, (_, r) => Math.floor(r / k)),
        [rows],
        { dtype: "int32" },
      );
      return [
        selectRows(initial, repeat),
        options.context === undefined ? ([] as unknown as C) : selectRows(options.context, repeat),
      ] as const;
    });
    let state = state0;
    let tokens: number[][] = Array.from({ length: rows }, () => []);
    let scores = Float64Array.from({ length: rows }, (_, r) => (r % k === 0 ? 0 : -Infinity));
    let done = new Array<boolean>(rows).fill(false);
    let last = new Int32Array(rows).fill(start);
    try {
      for (let t = 0; t < maxLength && done.some((d) => !d); t++) {
        const source = new Int32Array(rows);
        const nextTokens: number[][] = [], nextDone: boolean[] = [];
        const nextScores = new Float64Array(rows), nextLast = new Int32Array(rows);
        const nextState = tidy(() => {
          const out = step(fromArray(last, [rows], { dtype: "int32" }), state, context);
          if (out.logits.rank !== 2 || out.logits.shape[0] !== rows) {
            throw new Error(
              `beamSearch: the step must return logits [${rows}, V] for ${rows} rows, got ` +
                formatShape(out.logits.shape),
            );
          }
          const vocab = out.logits.shape[1];
          const logits = out.logits.dataSync() as Float32Array;
          for (let e = 0; e < examples; e++) {
            // Every extension of every live beam of example e; a finished beam has one, itself,
            // at no cost.
            const candidates: { score: number; row: number; token: number }[] = [];
            for (let j = 0; j < k; j++) {
              const r = e * k + j;
              if (scores[r] === -Infinity) continue;
              if (done[r]) {
                candidates.push({ score: scores[r], row: r, token: end });
                continue;
              }
              const logP = logSoftmaxRow(logits, r * vocab, vocab);
              for (let v = 0; v < vocab; v++) {
                candidates.push({ score: scores[r] + logP[v], row: r, token: v });
              }
            }
            candidates.sort((a, b) => b.score - a.score);
            for (let j = 0; j < k; j++) {
              const r = e * k + j, c = candidates[j];
              // Fewer than K candidates (a vocabulary smaller than the beam): an empty beam
              // that is never chosen.
              const row = c ? c.row : e * k;
              const finished = !c || done[row] || c.token === end;
              source[r] = row;
              nextTokens[r] = !c ? [] : finished ? tokens[row] : [...tokens[row], c.token];
              nextScores[r] = c ? c.score : -Infinity;
              nextDone[r] = finished;
              nextLast[r] = c ? c.token : end;
            }
          }
          return selectRows(out.state, fromArray(source, [rows], { dtype: "int32" }));
        });
        for (const old of tensorsOf(state)) old.dispose();
        state = nextState;
        [tokens, scores, done, last] = [nextTokens, nextScores, nextDone, nextLast];
      }
    } finally {
      for (const t of [...tensorsOf(state), ...tensorsOf(context)]) t.dispose();
    }
    return Array.from({ length: examples }, (_, e) =>
      Array.from({ length: k }, (_, j) => e * k + j)
        .filter((r) => scores[r] > -Infinity)
        .map((r) => ({ tokens: tokens[r], logProb: scores[r] }))
        .sort((a, b) => b.logProb - a.logProb));
  });
}
