/**
 * The Differentiable Neural Computer's memory bookkeeping: the usage of each slot, the precedence
 * weighting and the temporal link matrix, and the forward and backward weightings read off the
 * links. Weightings are [B, N]; the link matrix is [B, N, N].
 *
 * @module
 */

// The tensor methods (x.matmul(…), x.softmax(…)) come from the ops module.
import "../ops/mod.ts";
import { eye } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkShape } from "./addressing.ts";

/**
 * The usage vector after a step: u_t = (u + w^w − u ⊙ w^w) ⊙ ψ, where the retention
 * ψ = Π_r (1 − f_r w^r) frees the slots that read head r has just read when its free gate f_r
 * is open. Writing marks a slot as used; freeing makes it available to be written again.
 *
 * @param usage the previous usage u [B, N], in [0, 1]
 * @param writeWeights the previous write weighting w^w [B, N]
 * @param freeGates f [B, R], in [0, 1]
 * @param readWeights the previous read weightings w^r [B, R, N]
 */
export function dncUsage(
  usage: Tensor,
  writeWeights: Tensor,
  freeGates: Tensor,
  readWeights: Tensor,
): Tensor {
  checkShape("dncUsage", "usage", usage, [-1, -1]);
  const [batch, slots] = usage.shape;
  checkShape("dncUsage", "writeWeights", writeWeights, [batch, slots]);
  checkShape("dncUsage", "freeGates", freeGates, [batch, -1]);
  checkShape("dncUsage", "readWeights", readWeights, [batch, freeGates.shape[1], slots]);
  // log ψ = Σ_r log(1 − f_r w^r): one reduction over the heads instead of a loop of products.
  const retention = freeGates.unsqueeze(2).mul(readWeights).neg().add(1).clip(1e-12, 1).log()
    .sum(1).exp();
  return usage.add(writeWeights).sub(usage.mul(writeWeights)).mul(retention);
}

/**
 * The precedence weighting: p_t = (1 − Σ_i w^w_i) p_{t−1} + w^w. It is the slot written last,
 * fading when a write is weak.
 *
 * @param precedence p_{t−1} [B, N]
 * @param writeWeights w^w [B, N]
 */
export function dncPrecedence(precedence: Tensor, writeWeights: Tensor): Tensor {
  checkShape("dncPrecedence", "precedence", precedence, [-1, -1]);
  checkShape("dncPrecedence", "writeWeights", writeWeights, precedence.shape);
  return precedence.mul(writeWeights.sum(-1, true).neg().add(1)).add(writeWeights);
}

/**
 * The temporal link matrix: L_t[i, j] = (1 − w_i − w_j) L_{t−1}[i, j] + w_i p_{t−1}[j], with a
 * zero diagonal. L[i, j] near 1 says slot i was written right after slot j.
 *
 * @param links L_{t−1} [B, N, N]
 * @param writeWeights w^w_t [B, N]
 * @param precedence p_{t−1} [B, N] (the precedence before this write)
 */
export function dncLinks(links: Tensor, writeWeights: Tensor, precedence: Tensor): Tensor {
  checkShape("dncLinks", "links", links, [-1, -1, -1]);
  const [batch, slots] = links.shape;
  checkShape("dncLinks", "links", links, [batch, slots, slots]);
  checkShape("dncLinks", "writeWeights", writeWeights, [batch, slots]);
  checkShape("dncLinks", "precedence", precedence, [batch, slots]);
  const wi = writeWeights.unsqueeze(2), wj = writeWeights.unsqueeze(1);
  const kept = links.mul(wi.neg().sub(wj).add(1));
  const offDiagonal = eye(slots).neg().add(1);
  return kept.add(wi.matmul(precedence.unsqueeze(1))).mul(offDiagonal);
}

/**
 * The weightings one step forward and backward in write order from a read weighting:
 * f = L w and b = Lᵀ w. A head that reads with f replays what was written after what it just
 * read.
 *
 * @param links L [B, N, N]
 * @param readWeights w^r [B, N]
 */
export function dncDirectional(
  links: Tensor,
  readWeights: Tensor,
): { forward: Tensor; backward: Tensor } {
  checkShape("dncDirectional", "links", links, [-1, -1, -1]);
  checkShape("dncDirectional", "readWeights", readWeights, links.shape.slice(0, 2));
  const w = readWeights.unsqueeze(2);
  return {
    forward: links.matmul(w).squeeze(2),
    backward: links.swapAxes(1, 2).matmul(w).squeeze(2),
  };
}
