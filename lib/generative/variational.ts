/**
 * The pieces of a variational autoencoder: the diagonal-Gaussian encoder's KL divergence from the
 * standard normal prior, the reparameterisation trick, and the evidence lower bound (ELBO) of a
 * Bernoulli decoder, per image, in nats.
 *
 * @module
 */

import { binaryCrossEntropyWithLogits } from "../ops/loss.ts";
import { randn } from "../tensor/creation.ts";
import type { Tensor } from "../tensor/tensor.ts";

/** Throws a clear error unless `t` is a float matrix [N, D]; returns [N, D]. */
function matrixShape(op: string, name: string, t: Tensor): [number, number] {
  if (t?.rank !== 2) {
    throw new Error(`${op}: ${name} must be a matrix [N, D], got shape [${t?.shape?.join(", ")}]`);
  }
  if (t.dtype === "int32") throw new Error(`${op}: ${name} must be a float tensor, got int32`);
  return [t.shape[0], t.shape[1]];
}

/** Throws unless `a` and `b` are matrices of the same shape. */
function sameMatrices(op: string, a: [string, Tensor], b: [string, Tensor]): void {
  const [n, d] = matrixShape(op, a[0], a[1]);
  const [m, e] = matrixShape(op, b[0], b[1]);
  if (n !== m || d !== e) {
    throw new Error(
      `${op}: ${a[0]} [${n}, ${d}] and ${b[0]} [${m}, ${e}] must have the same shape`,
    );
  }
}

/**
 * KL(N(μ, diag σ²) ‖ N(0, I)) for each row, in nats: ½ Σⱼ (μⱼ² + σⱼ² − log σⱼ² − 1). The encoder
 * outputs log σ² rather than σ, so that any real number is a valid output.
 *
 * @param mu the means, [N, D]
 * @param logVar the log variances log σ², [N, D]
 * @returns [N], each ≥ 0, and 0 only where μ = 0 and σ = 1
 */
export function gaussianKl(mu: Tensor, logVar: Tensor): Tensor {
  sameMatrices("gaussianKl", ["mu", mu], ["logVar", logVar]);
  return mu.square().add(logVar.exp()).sub(logVar).sub(1).sum(-1).mul(0.5);
}

/**
 * The reparameterisation trick: a draw z = μ + σ ⊙ ε from N(μ, diag σ²), with the randomness moved
 * into ε ~ N(0, I), so that z is a differentiable function of μ and log σ² and gradients reach the
 * encoder.
 *
 * @param mu the means, [N, D]
 * @param logVar the log variances, [N, D]
 * @param noise ε, [N, D] (default: drawn from the library's seeded generator)
 * @returns z, [N, D]
 */
export function reparameterize(mu: Tensor, logVar: Tensor, noise?: Tensor): Tensor {
  sameMatrices("reparameterize", ["mu", mu], ["logVar", logVar]);
  if (noise !== undefined) sameMatrices("reparameterize", ["mu", mu], ["noise", noise]);
  const eps = noise ?? randn(mu.shape);
  return mu.add(logVar.mul(0.5).exp().mul(eps));
}

/** The two terms of the ELBO and their sum, one value per image, in nats. */
export interface ElboTerms {
  /** log p(x | z) at the sampled z: minus the summed binary cross-entropy, [N]. */
  readonly logLikelihood: Tensor;
  /** KL(q(z | x) ‖ p(z)), [N]. */
  readonly kl: Tensor;
  /** logLikelihood − kl: a lower bound on log p(x) in expectation over z, [N]. */
  readonly elbo: Tensor;
}

/**
 * A one-sample estimate of the ELBO of each image under a Bernoulli decoder:
 * ELBO(x) = E_q[log p(x | z)] − KL(q(z | x) ‖ p(z)), with log p(x | z) = Σ pixels
 * [x log σ(ℓ) + (1 − x) log(1 − σ(ℓ))] for the decoder's logits ℓ at z ~ q(z | x). For binary
 * pixels this is a log-probability, so −ELBO bounds the number of nats a code would need per image.
 * Grey levels in (0, 1) are accepted (that is the common "Bernoulli on grey levels" loss), but
 * then the value is not the log-likelihood of a proper distribution over images.
 *
 * @param logits the decoder's logits at one z per image, [N, P]
 * @param targets the images, [N, P] in [0, 1]
 * @param mu the encoder's means, [N, D]
 * @param logVar the encoder's log variances, [N, D]
 */
export function bernoulliElbo(
  logits: Tensor,
  targets: Tensor,
  mu: Tensor,
  logVar: Tensor,
): ElboTerms {
  sameMatrices("bernoulliElbo", ["logits", logits], ["targets", targets]);
  if (logits.shape[0] !== mu.shape[0]) {
    throw new Error(
      `bernoulliElbo: ${logits.shape[0]} images of logits but ${mu.shape[0]} rows of mu`,
    );
  }
  const logLikelihood = binaryCrossEntropyWithLogits(logits, targets, "none").sum(-1).neg();
  const kl = gaussianKl(mu, logVar);
  return { logLikelihood, kl, elbo: logLikelihood.sub(kl) };
}
