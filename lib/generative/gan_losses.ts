/**
 * The losses of a generative adversarial network, from the discriminator's logits (log-odds that
 * an image is real), so that no probability is ever rounded to 0 or 1.
 *
 * @module
 */

import { softplus } from "../ops/unary.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** Throws unless `t` is a float tensor of logits. */
function checkLogits(op: string, name: string, t: Tensor): void {
  if (typeof t?.rank !== "number") throw new Error(`${op}: ${name} must be a tensor of logits`);
  if (t.dtype === "int32") throw new Error(`${op}: ${name} must be a float tensor, got int32`);
  if (t.size === 0) throw new Error(`${op}: ${name} is empty`);
}

/**
 * The discriminator's loss: the binary cross-entropy of calling real images real and generated
 * ones fake, −E[log D(x)] − E[log(1 − D(G(z)))], with D = σ(logit). Since −log σ(ℓ) = softplus(−ℓ)
 * and −log(1 − σ(ℓ)) = softplus(ℓ), it is mean softplus(−ℓ_real) + mean softplus(ℓ_fake). At the
 * game's equilibrium (D = ½ everywhere) it equals 2 log 2.
 */
export function ganDiscriminatorLoss(realLogits: Tensor, fakeLogits: Tensor): Tensor {
  checkLogits("ganDiscriminatorLoss", "realLogits", realLogits);
  checkLogits("ganDiscriminatorLoss", "fakeLogits", fakeLogits);
  return softplus(realLogits.neg()).mean().add(softplus(fakeLogits).mean());
}

/**
 * The generator's loss. The default is the non-saturating loss of Goodfellow et al. (2014),
 * −E[log D(G(z))] = mean softplus(−ℓ_fake): large and steep while the discriminator rejects the
 * fakes, which is when the generator most needs a gradient. `"minimax"` gives the loss of the
 * original game, E[log(1 − D(G(z)))] = −mean softplus(ℓ_fake), whose gradient vanishes exactly then.
 */
export function ganGeneratorLoss(
  fakeLogits: Tensor,
  kind: "non-saturating" | "minimax" = "non-saturating",
): Tensor {
  checkLogits("ganGeneratorLoss", "fakeLogits", fakeLogits);
  if (kind === "non-saturating") return softplus(fakeLogits.neg()).mean();
  if (kind === "minimax") return softplus(fakeLogits).mean().neg();
  throw new Error(`ganGeneratorLoss: kind must be "non-saturating" or "minimax", got ${kind}`);
}
