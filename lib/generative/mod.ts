/**
 * Generative models: a Gaussian mixture fitted by EM (a density of points that can be evaluated and
 * sampled), the variational autoencoder's KL term, reparameterisation trick and ELBO, the GAN's
 * losses, a Fréchet distance between feature sets to judge samples, and paths through latent space.
 *
 * @example
 * ```ts
 * import { bernoulliElbo, reparameterize } from "./lib/mod.ts";
 * const z = reparameterize(mu, logVar); // mu, logVar: the encoder's outputs [N, D]
 * const { elbo } = bernoulliElbo(decoder.forward(z), x, mu, logVar); // nats per image, [N]
 * elbo.mean().neg().backward();
 * ```
 *
 * @module
 */

export {
  fitGaussianMixture,
  type GaussianMixture,
  type GaussianMixtureFit,
  gaussianMixtureLogDensity,
  type GaussianMixtureOptions,
  sampleGaussianMixture,
} from "./gaussian_mixture.ts";
export { bernoulliElbo, type ElboTerms, gaussianKl, reparameterize } from "./variational.ts";
export { ganDiscriminatorLoss, ganGeneratorLoss } from "./gan_losses.ts";
export {
  type FeatureRows,
  type FeatureStatistics,
  featureStatistics,
  frechetDistance,
} from "./frechet.ts";
export { latentPath, type LatentPathKind, slerp } from "./latent_path.ts";
