/**
 * The Neural Turing Machine's addressing, built from differentiable ops: content addressing by
 * cosine similarity, interpolation with the previous weighting, a circular shift, and
 * sharpening. A weighting is a batch of distributions over the N memory slots, [B, N].
 *
 * @module
 */

// The tensor methods (x.matmul(…), x.softmax(…)) come from the ops module.
import "../ops/mod.ts";
import { fromArray } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** Keeps divisions and logarithms finite where a norm or a weight is exactly 0. */
const EPS = 1e-8;

/** Throws a clear error unless `t` has the shape `want` (-1 matches any size). */
export function checkShape(op: string, name: string, t: Tensor, want: readonly number[]): void {
  const ok = t.shape.length === want.length && want.every((n, i) => n === -1 || t.shape[i] === n);
  if (!ok) {
    const expected = want.map((n) => (n === -1 ? "*" : String(n))).join(", ");
    throw new Error(`${op}: ${name} must have shape [${expected}], got [${t.shape.join(", ")}]`);
  }
}

/**
 * Cosine similarity of a key with every memory slot: K[b, i] = k_b · M_b,i / (‖k_b‖ ‖M_b,i‖).
 *
 * @param memory [B, N, W]
 * @param key [B, W]
 * @returns [B, N], each in [-1, 1]
 */
export function slotSimilarity(memory: Tensor, key: Tensor): Tensor {
  checkShape("slotSimilarity", "memory", memory, [-1, -1, -1]);
  const [batch, , width] = memory.shape;
  checkShape("slotSimilarity", "key", key, [batch, width]);
  const dots = memory.matmul(key.unsqueeze(2)).squeeze(2);
  const memoryNorms = memory.square().sum(-1).add(EPS).sqrt();
  const keyNorms = key.square().sum(-1, true).add(EPS).sqrt();
  return dots.div(memoryNorms.mul(keyNorms));
}

/**
 * Content addressing: w^c = softmax(β K[M, k]). A large key strength β focuses on the most
 * similar slot; β near 0 spreads the weighting evenly.
 *
 * @param memory [B, N, W]
 * @param key [B, W]
 * @param strength β [B, 1], ≥ 0
 * @returns [B, N], rows summing to 1
 */
export function contentAddressing(memory: Tensor, key: Tensor, strength: Tensor): Tensor {
  checkShape("contentAddressing", "strength", strength, [memory.shape[0] ?? -1, 1]);
  return slotSimilarity(memory, key).mul(strength).softmax(-1);
}

/**
 * The interpolation gate: w^g = g w^c + (1 − g) w_prev. With g = 0 the head ignores content and
 * keeps its last place, so that a shift can move it on from there.
 *
 * @param content w^c [B, N]
 * @param previous w_prev [B, N]
 * @param gate g [B, 1], in [0, 1]
 */
export function interpolateWeighting(content: Tensor, previous: Tensor, gate: Tensor): Tensor {
  checkShape("interpolateWeighting", "content", content, [-1, -1]);
  checkShape("interpolateWeighting", "previous", previous, content.shape);
  checkShape("interpolateWeighting", "gate", gate, [content.shape[0], 1]);
  return previous.add(gate.mul(content.sub(previous)));
}

/**
 * The circular convolution of a weighting with a shift distribution: w̃_i = Σ_j w_{i−j} s_j,
 * indices modulo N. The K = 2R + 1 shifts run from −R to +R, so s = [0, 0, 1] with K = 3 moves
 * every weight one slot forward.
 *
 * @param weights w [B, N]
 * @param shift s [B, K], K odd and at most N
 */
export function circularShift(weights: Tensor, shift: Tensor): Tensor {
  checkShape("circularShift", "weights", weights, [-1, -1]);
  const [batch, slots] = weights.shape;
  checkShape("circularShift", "shift", shift, [batch, -1]);
  const k = shift.shape[1];
  if (k % 2 !== 1 || k > slots) {
    throw new Error(
      `circularShift: the shift must have an odd number of entries, at most the ${slots} slots; ` +
        `got ${k}`,
    );
  }
  // Σ_j s_j P_j, where P_j moves every weight by shift j, is one [N, N] matrix per sequence; the
  // shifted weighting is then one batched matmul, a few ops whatever K is.
  const matrix = shift.matmul(shiftPermutations(k, slots)).reshape([batch, slots, slots]);
  return weights.unsqueeze(1).matmul(matrix).squeeze(1);
}

/** The K permutation matrices P_j [N, N] of the shifts −R … R, flattened as [K, N·N]. */
function shiftPermutations(k: number, slots: number): Tensor {
  const radius = (k - 1) / 2;
  const values = new Float32Array(k * slots * slots);
  for (let j = 0; j < k; j++) {
    for (let from = 0; from < slots; from++) {
      const to = (((from + j - radius) % slots) + slots) % slots;
      values[j * slots * slots + from * slots + to] = 1;
    }
  }
  return fromArray(values, [k, slots * slots]);
}

/**
 * Sharpening: w_i = w̃_i^γ / Σ_j w̃_j^γ with γ ≥ 1, which undoes the blur that a soft shift
 * leaves. Computed as exp(γ log w̃) so that weights of exactly 0 stay finite.
 *
 * @param weights w̃ [B, N], non-negative
 * @param gamma γ [B, 1], ≥ 1
 */
export function sharpenWeighting(weights: Tensor, gamma: Tensor): Tensor {
  checkShape("sharpenWeighting", "weights", weights, [-1, -1]);
  checkShape("sharpenWeighting", "gamma", gamma, [weights.shape[0], 1]);
  const powered = weights.add(EPS).log().mul(gamma).exp();
  return powered.div(powered.sum(-1, true));
}

/** One head's addressing parameters for a step, as {@link ntmAddress} takes them. */
export interface HeadParameters {
  /** The key k [B, W]. */
  readonly key: Tensor;
  /** The key strength β [B, 1], ≥ 0. */
  readonly strength: Tensor;
  /** The interpolation gate g [B, 1], in [0, 1]. */
  readonly gate: Tensor;
  /** The shift distribution s [B, K]. */
  readonly shift: Tensor;
  /** The sharpening exponent γ [B, 1], ≥ 1. */
  readonly gamma: Tensor;
}

/**
 * The full NTM addressing of one head: content, interpolation, shift, sharpening.
 *
 * @param memory [B, N, W]
 * @param previous the head's last weighting [B, N]
 * @returns the new weighting [B, N]
 */
export function ntmAddress(memory: Tensor, previous: Tensor, head: HeadParameters): Tensor {
  const content = contentAddressing(memory, head.key, head.strength);
  return sharpenWeighting(
    circularShift(interpolateWeighting(content, previous, head.gate), head.shift),
    head.gamma,
  );
}

/**
 * Reading: r = Σ_i w_i M_i, the weighted sum of the memory slots.
 *
 * @param memory [B, N, W]
 * @param weights [B, N]
 * @returns [B, W]
 */
export function memoryRead(memory: Tensor, weights: Tensor): Tensor {
  checkShape("memoryRead", "memory", memory, [-1, -1, -1]);
  checkShape("memoryRead", "weights", weights, memory.shape.slice(0, 2));
  return weights.unsqueeze(1).matmul(memory).squeeze(1);
}

/**
 * Writing: M_i ← M_i ⊙ (1 − w_i e) + w_i a. Each slot is erased in proportion to its weight and
 * the erase vector e ∈ [0, 1]^W, then the add vector a is added in the same proportion.
 *
 * @param memory [B, N, W]
 * @param weights [B, N]
 * @param erase e [B, W]
 * @param addVector a [B, W]
 * @returns the new memory [B, N, W]
 */
export function memoryWrite(
  memory: Tensor,
  weights: Tensor,
  erase: Tensor,
  addVector: Tensor,
): Tensor {
  checkShape("memoryWrite", "memory", memory, [-1, -1, -1]);
  const [batch, , width] = memory.shape;
  checkShape("memoryWrite", "weights", weights, memory.shape.slice(0, 2));
  checkShape("memoryWrite", "erase", erase, [batch, width]);
  checkShape("memoryWrite", "addVector", addVector, [batch, width]);
  const w = weights.unsqueeze(2);
  return memory.sub(memory.mul(w.matmul(erase.unsqueeze(1)))).add(w.matmul(addVector.unsqueeze(1)));
}
