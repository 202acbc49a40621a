/**
 * lib/generative's VAE pieces: the Gaussian KL against its formula and its zero at the prior, the
 * reparameterisation trick's distribution and gradients, the Bernoulli ELBO against a by-hand
 * value, and the GAN losses against their definitions.
 */

import assert from "node:assert/strict";
import {
  assertClose,
  assertThrowsWith,
  bernoulliElbo,
  ganDiscriminatorLoss,
  ganGeneratorLoss,
  gaussianKl,
  randn,
  reparameterize,
  seed,
  tensor,
  zeros,
} from "../lib/mod.ts";

Deno.test("gaussianKl: the closed form per row, 0 at the prior", () => {
  const mu = tensor([[0, 0], [1, -2]]);
  const logVar = tensor([[0, 0], [Math.log(4), Math.log(0.25)]]);
  const want1 = 0.5 * ((1 + 4 - Math.log(4) - 1) + (4 + 0.25 - Math.log(0.25) - 1));
  assertClose(gaussianKl(mu, logVar), [0, want1], { rtol: 1e-6 });
  assertThrowsWith(() => gaussianKl(tensor([1, 2]), tensor([1, 2])), "matrix [N, D]");
  assertThrowsWith(() => gaussianKl(zeros([2, 3]), zeros([2, 4])), "same shape");
});

Deno.test("reparameterize: z = μ + σε, with the right moments and gradients", () => {
  const mu = tensor([[1, -2]]), logVar = tensor([[Math.log(4), 0]]);
  assertClose(reparameterize(mu, logVar, tensor([[0.5, -1]])), [[2, -3]], { rtol: 1e-6 });
  seed(3);
  const m = tensor([[0.5]], { requiresGrad: true });
  const lv = tensor([[Math.log(2)]], { requiresGrad: true });
  const z = reparameterize(m.broadcastTo([100000, 1]), lv.broadcastTo([100000, 1]));
  assertClose(z.mean().item(), 0.5, { atol: 0.02 });
  assertClose(z.var().item(), 2, { rtol: 0.03 });
  // E[z²] = μ² + σ²: d/dμ = 2μ, d/d log σ² = σ².
  z.square().mean().backward();
  assertClose(m.grad!.item(), 1, { rtol: 0.03 });
  assertClose(lv.grad!.item(), 2, { rtol: 0.03 });
  assertThrowsWith(() => reparameterize(mu, logVar, zeros([1, 3])), "noise", "same shape");
});

Deno.test("bernoulliElbo: log-likelihood minus KL, per image, in nats", () => {
  const logits = tensor([[0, 2, -1], [3, -3, 0]]);
  const x = tensor([[1, 0, 1], [1, 1, 0]]);
  const mu = tensor([[0.5], [0]]), logVar = tensor([[0], [0]]);
  const logSigmoid = (v: number) => -Math.log1p(Math.exp(-v));
  const ll = [
    logSigmoid(0) + logSigmoid(-2) + logSigmoid(-1),
    logSigmoid(3) + logSigmoid(-3) + logSigmoid(0),
  ];
  const { logLikelihood, kl, elbo } = bernoulliElbo(logits, x, mu, logVar);
  assertClose(logLikelihood, ll, { rtol: 1e-5 });
  assertClose(kl, [0.125, 0], { rtol: 1e-5 });
  assertClose(elbo, [ll[0] - 0.125, ll[1]], { rtol: 1e-5 });
  assertThrowsWith(() => bernoulliElbo(logits, tensor([[1, 0, 1]]), mu, logVar), "same shape");
  assertThrowsWith(
    () => bernoulliElbo(logits, x, tensor([[0]]), tensor([[0]])),
    "2 images",
    "1 rows",
  );
});

Deno.test("GAN losses: binary cross-entropy from logits, stable at extremes", () => {
  const real = tensor([[2], [0]]), fake = tensor([[-1], [1]]);
  const sp = (v: number) => Math.log1p(Math.exp(v));
  assertClose(
    ganDiscriminatorLoss(real, fake).item(),
    (sp(-2) + sp(0)) / 2 + (sp(-1) + sp(1)) / 2,
    { rtol: 1e-6 },
  );
  // At D = ½ everywhere the discriminator's loss is 2 log 2.
  assertClose(ganDiscriminatorLoss(zeros([4, 1]), zeros([4, 1])).item(), 2 * Math.LN2, {
    rtol: 1e-6,
  });
  assertClose(ganGeneratorLoss(fake).item(), (sp(1) + sp(-1)) / 2, { rtol: 1e-6 });
  assertClose(ganGeneratorLoss(fake, "minimax").item(), -(sp(-1) + sp(1)) / 2, { rtol: 1e-6 });
  // Rejected fakes: the non-saturating loss is large and finite, the minimax one ≈ 0.
  const rejected = tensor([[-100], [-120]]);
  assertClose(ganGeneratorLoss(rejected).item(), 110, { rtol: 1e-5 });
  assert.ok(Math.abs(ganGeneratorLoss(rejected, "minimax").item()) < 1e-30);
  const g = randn([3, 1]);
  g.requiresGrad = true;
  ganGeneratorLoss(g).backward();
  assert.ok(Array.from(g.grad!.dataSync()).every((v) => v < 0), "pushes the logits up");
  assertThrowsWith(() => ganGeneratorLoss(tensor([[1]], { dtype: "int32" })), "float");
  assertThrowsWith(() => ganGeneratorLoss(fake, "wasserstein" as "minimax"), "kind");
});
