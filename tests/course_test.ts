/**
 * The whole course, as `deno task course` runs it: every chapter notebook executes through the real
 * Deno kernel, its checks cell passes, its metrics are recorded, and the site built from the run
 * works in headless Chromium. Screenshots of the real site go to `_build/screenshots/`.
 */

import assert from "node:assert/strict";
import { runCourse } from "../scripts/course/run.ts";
import { joinText, type Notebook, stripAnsi } from "../scripts/notebook/mod.ts";
import { buildSite } from "../scripts/site/build.ts";
import { checkSiteInBrowser } from "../scripts/site/browser_check.ts";

const SCREENSHOTS = new URL("../_build/screenshots", import.meta.url).pathname;

/** What each written chapter's recorded metrics must say: the chapter's headline claims. */
const CLAIMS: Record<number, (m: Record<string, unknown>) => void> = {
  1: (m) => {
    assert.equal(m.perceptron_accuracy, 1, "the perceptron separates the separable set");
    assert.ok((m.xor_perceptron_accuracy as number) < 1, "the perceptron fails on XOR");
    assert.ok((m.xor_best_random_line_accuracy as number) <= 0.75, "no line beats 75% on XOR");
    assert.equal(m.xor_network_accuracy, 1, "the feed-forward network solves XOR");
    assert.ok((m.linear_collapse_max_difference as number) < 1e-5, "linear layers collapse");
  },
  2: (m) => {
    assert.ok(
      (m.cafeteria_max_price_error as number) < 0.05,
      "the linear neuron recovers the prices",
    );
    assert.ok((m.large_rate_error_growth as number) > 1, "a learning rate above 2/λ diverges");
    assert.ok(
      (m.sigmoid_gradient_vs_finite_differences as number) < 1e-6,
      "the sigmoid neuron's gradient matches finite differences",
    );
    assert.ok((m.backprop_max_relative_error as number) < 1e-5, "backprop by hand equals autodiff");
    const batch = m.batch_gd_loss_10k as number;
    assert.ok(
      batch > (m.minibatch_gd_loss_10k as number) && batch > (m.stochastic_gd_loss_10k as number),
      "per example seen, batch gradient descent learns slowest",
    );
    assert.ok(
      (m.overfit_final_validation_loss as number) > (m.overfit_best_validation_loss as number),
      "the large network overfits the small subset",
    );
    for (const key of ["gap_l2", "gap_max_norm", "gap_dropout"]) {
      assert.ok(
        (m[key] as number) < (m.gap_plain as number),
        `${key}: the regularizer narrows the gap`,
      );
    }
  },
  3: (m) => {
    assert.ok((m.logistic_test_accuracy as number) >= 0.92, "logistic regression reaches 92%");
    assert.ok((m.mlp_test_accuracy as number) >= 0.98, "the 784-256-256-10 MLP reaches 98%");
    assert.ok(
      Math.abs((m.comparison_tfjs_accuracy as number) - (m.comparison_ours_accuracy as number)) <=
        0.005,
      "the same MLP in TensorFlow.js lands within 0.5 points of ours",
    );
    assert.equal(
      m.reloaded_test_accuracy,
      m.mlp_test_accuracy,
      "the reloaded model scores the same",
    );
  },
  4: (m) => {
    assert.ok(
      (m.permutation_max_difference as number) < 1e-4,
      "permuting hidden units keeps the function",
    );
    assert.ok(
      (m.rescaling_max_difference as number) < 1e-4,
      "rescaling ReLU units keeps the function",
    );
    assert.equal(
      m.interpolation_local_minima,
      1,
      "one minimum on the line from initial to trained weights",
    );
    assert.ok(
      (m.interpolation_loss_alpha1 as number) < (m.interpolation_loss_alpha0 as number) / 5,
      "the trained end of the line is far lower",
    );
    assert.ok(
      (m.saddle_hessian_eigenvalue_min as number) < 0 &&
        (m.saddle_hessian_eigenvalue_max as number) > 0,
      "the saddle's Hessian has eigenvalues of both signs",
    );
    assert.ok(
      3 * (m.valley_steps_momentum as number) < (m.valley_steps_gd as number),
      "momentum beats gradient descent on the ill-conditioned valley",
    );
    for (const k of ["quadratic_iterations_cg", "quadratic_iterations_lbfgs"]) {
      assert.ok(
        10 * (m[k] as number) < (m.quadratic_iterations_gd as number),
        `${k}: far fewer iterations than gradient descent`,
      );
    }
    for (const name of ["adam", "momentum"]) {
      assert.ok(
        (m[`race_final_accuracy_${name}`] as number) > (m.race_final_accuracy_sgd as number),
        `${name} beats plain SGD's validation accuracy`,
      );
      assert.ok(
        (m[`race_final_loss_${name}`] as number) < (m.race_final_loss_sgd as number),
        `${name} beats plain SGD's validation loss`,
      );
    }
  },
  5: (m) => {
    assert.equal(m.output_size_table_matches, true, "the output-size formula matches conv2d");
    assert.ok(
      (m.shift_similarity_pool2 as number) > (m.shift_similarity_no_pooling as number),
      "max pooling makes the features tolerate a one-pixel shift",
    );
    assert.ok((m.mnist_test_accuracy as number) >= 0.99, "the book's MNIST CNN reaches 99%");
    // -1: the plain network did not reach the target within the compared steps at all.
    const plain = m.steps_to_target_plain as number;
    assert.ok(
      plain === -1 || (m.steps_to_target_bn as number) < plain,
      "batch norm reaches the target accuracy in fewer steps",
    );
    assert.ok(
      (m.cifar_bn_test_accuracy as number) >= 0.65,
      "the batch-norm CNN reaches 65% on CIFAR-10",
    );
  },
  6: (m) => {
    assert.ok(
      (m.autoencoder_test_mse as number) < (m.pca_test_mse as number),
      "the 784-1000-500-250-2 autoencoder rebuilds the test digits better than PCA at code size 2",
    );
    assert.ok(
      (m.autoencoder_knn_accuracy as number) > (m.pca_knn_accuracy as number),
      "the autoencoder's 2-D codes keep the classes further apart than PCA's",
    );
    assert.ok(
      (m.denoising_mse_at_half_mask as number) < (m.plain_mse_at_half_mask as number),
      "on half-masked digits the denoising autoencoder beats the plain one",
    );
    assert.ok(
      (m.sparse_mean_activation as number) < (m.dense_mean_activation as number) / 3,
      "the KL penalty makes the code sparse",
    );
    assert.ok(
      (m.word2vec_median_rank_trained as number) <= 20,
      "trained word vectors pass the rank test",
    );
    assert.ok(
      (m.word2vec_median_rank_random as number) >= 1000,
      "random vectors fail the rank test",
    );
  },
  7: (m) => {
    assert.ok((m.pos_lstm_accuracy as number) >= 0.9, "the bidirectional LSTM tags at least 90%");
    assert.ok(
      (m.pos_lstm_accuracy as number) > (m.pos_window_accuracy as number),
      "the LSTM tagger beats the window tagger",
    );
    assert.ok(
      (m.gradient_ratio_50_rnn as number) < 1e-6,
      "the RNN's gradient vanishes in 50 steps",
    );
    assert.ok(
      (m.gradient_ratio_50_lstm_forget_bias_3 as number) >
        1e4 * (m.gradient_ratio_50_rnn as number),
      "an LSTM with open forget gates keeps its gradient",
    );
    assert.ok(
      (m.lm_validation_bpc as number) < 0.6 * (m.lm_unigram_bpc as number),
      "the character LSTM is far below the unigram entropy",
    );
    assert.ok(
      (m.lm_validation_bpc as number) < (m.lm_trigram_bpc as number),
      "and beats the trigram model",
    );
    assert.ok(
      (m.sentiment_test_accuracy as number) >= 0.75,
      "the LSTM sentiment classifier reaches 75%",
    );
    assert.ok(
      (m.seq2seq_exact_match_greedy as number) >= 0.95,
      "seq2seq with attention: 95% exact match, greedy",
    );
    assert.ok(
      (m.seq2seq_exact_match_beam as number) >= 0.95,
      "and with beam search",
    );
  },
  8: (m) => {
    assert.ok(
      (m.copy_ntm_bit_error_length20 as number) < 0.05,
      "the NTM copies sequences of length 20 after training on lengths ≤ 10",
    );
    assert.ok((m.copy_lstm_bit_error_length20 as number) > 0.3, "the LSTM fails at length 20");
    assert.ok(
      (m.copy_ntm_bit_error_length20 as number) < (m.copy_lstm_bit_error_length20 as number) / 4,
      "the NTM beats the LSTM at length 20 by a wide margin",
    );
    assert.ok((m.babi_task1_accuracy as number) >= 0.95, "bAbI task 1: at least 95%");
  },
  9: (m) => {
    assert.ok(
      (m.gmm_heldout_log_density_k8 as number) > (m.gmm_heldout_log_density_k1 as number),
      "eight Gaussians model the held-out moons better than one",
    );
    assert.ok(
      (m.far_point_network_confidence as number) > 0.99 &&
        (m.far_point_log_density as number) < -100,
      "the mixture flags the far point that the network classifies with certainty",
    );
    assert.ok(
      (m.vae_test_elbo_nats as number) >= -130,
      "the VAE's test ELBO is at most 130 nats per image (negated)",
    );
    assert.ok(
      (m.vae2d_test_elbo_nats as number) < (m.vae_test_elbo_nats as number),
      "a 2-D code costs likelihood",
    );
    assert.ok((m.classifier_test_accuracy as number) >= 0.97, "the judging CNN reaches 97%");
    const floor = m.frechet_real_train as number, noise = m.frechet_noise as number;
    for (const key of ["frechet_vae_samples", "frechet_gan_samples"]) {
      const d = m[key] as number;
      assert.ok(floor < d && d < noise / 3, `${key}: between real digits and noise`);
    }
    assert.ok(
      (m.vae_reconstruction_accuracy as number) >= 0.9,
      "the VAE's reconstructions keep their label",
    );
  },
  10: (m) => {
    assert.ok(
      (m.dqn_test_mean_return as number) >= 195,
      "the greedy DQN policy solves CartPole (≥ 195 over 100 test episodes)",
    );
    assert.ok(
      (m.reinforce_last10_mean_return as number) >= 190,
      "REINFORCE with a baseline learns to balance the pole",
    );
    assert.ok(
      (m.reinforce_gradient_variance_ratio as number) > 1.5,
      "the baseline cuts the policy gradient's variance",
    );
    assert.ok(
      (m.value_iteration_max_error as number) < 1e-9,
      "value iteration solves the grid world exactly",
    );
    assert.ok(
      (m.cartpole_random_mean_return as number) < 30,
      "a random policy drops the pole quickly",
    );
  },
  11: (m) => {
    assert.equal(m.labelled_examples, 100, "the classifiers get only 100 labelled digits");
    assert.ok(
      (m.baseline_accuracy as number) >=
        Math.max(m.pixel_logistic_accuracy as number, m.scratch_network_accuracy as number),
      "the baseline is the better of the two classifiers trained on the 100 labels alone",
    );
    assert.ok(
      (m.pretraining_gain_points as number) >= 10,
      "a linear probe on a pretrained encoder beats the 100-label baseline by at least 10 points",
    );
    assert.ok(
      (m.simclr_probe_accuracy as number) - (m.baseline_accuracy as number) >= 0.1,
      "the SimCLR encoder's linear probe beats the baseline by at least 10 points",
    );
    assert.ok(
      (m.autoencoder_probe_accuracy as number) > (m.pixel_logistic_accuracy as number),
      "the autoencoder's codes beat the raw pixels under the same linear probe",
    );
    assert.ok(
      (m.purity_simclr as number) > (m.purity_pixels as number) + 0.05,
      "k-means on the contrastive codes is purer than on raw pixels",
    );
  },
  12: (m) => {
    const n = (k: string) => m[k] as number;
    assert.ok(
      n("signal_he_activation_growth") > 0.1 && n("signal_he_activation_growth") < 10 &&
        n("signal_he_gradient_growth") > 0.1 && n("signal_he_gradient_growth") < 10,
      "He initialisation keeps signals through 50 ReLU layers",
    );
    assert.ok(
      n("signal_xavier_activation_growth") < 1e-3,
      "Xavier's activations fade over 50 ReLU layers",
    );
    assert.ok(
      n("signal_naive_small_gradient_growth") < 1e-10,
      "small naive weights: gradients vanish",
    );
    assert.ok(
      n("signal_naive_large_gradient_growth") > 1e6,
      "large naive weights: gradients explode",
    );
    assert.ok(
      n("gradient_ratio_sigmoid") < 1e-6,
      "the gradient vanishes through 20 sigmoid layers",
    );
    assert.ok(
      n("gradient_ratio_sigmoid_bn") > 0.1,
      "batch norm keeps the sigmoid network's gradient",
    );
    assert.ok(n("vanish_loss_sigmoid") > 2.2, "the 20-layer sigmoid network does not learn");
    assert.ok(n("vanish_loss_sigmoid_bn") < 1, "with batch norm it learns");
    assert.ok(
      n("plain_loss_20") > 1.1 * n("plain_loss_8") && n("plain_loss_32") > 1.1 * n("plain_loss_20"),
      "degradation: deeper plain networks train worse",
    );
    assert.ok(
      n("residual_loss_20") <= 1.1 * n("residual_loss_8") &&
        n("residual_loss_32") <= 1.1 * n("residual_loss_20"),
      "deeper ResNets train at least as well as shallower ones",
    );
    assert.ok(n("residual_loss_32") < 0.75 * n("plain_loss_32"), "ResNet-32 beats plain-32");
    assert.ok(n("highway_loss_32") < n("plain_loss_32"), "the highway network beats plain-32");
  },
};

/** Every output of a notebook's code cells as plain text (streams, text/plain and errors). */
function outputText(notebook: Notebook): string {
  const parts: string[] = [];
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    for (const out of cell.outputs) {
      if (out.output_type === "stream") parts.push(joinText(out.text));
      else if (out.output_type === "error") parts.push(`${out.ename}: ${out.evalue}`);
      else {
        const plain = out.data["text/plain"];
        if (typeof plain === "string" || Array.isArray(plain)) parts.push(joinText(plain));
      }
    }
  }
  return stripAnsi(parts.join("\n"));
}

Deno.test({
  name: "course: every chapter runs through the kernel, passes its checks, and the site works",
  // The runner's worker processes and Chromium are awaited to their end; nothing is left open.
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "course_test_" });
    try {
      const buildDir = `${root}/_build`, siteDir = `${root}/_site`;
      const results = await runCourse({ buildDir });
      const written = results.filter((r) => r.status !== "coming");
      assert.ok(written.length >= 1, "no chapter notebook was found in notebooks/");

      for (const result of written) {
        const { number, file } = result.chapter;
        // Each chapter's time, so a CI log shows which chapters use up the budget.
        console.log(`chapter ${number}: ${result.status} in ${result.seconds?.toFixed(0)} s`);
        assert.equal(
          result.status,
          "ok",
          `chapter ${number} failed at cell ${result.failedCell}: ${result.error}`,
        );
        const notebook: Notebook = JSON.parse(
          await Deno.readTextFile(`${buildDir}/notebooks/${file}`),
        );
        const text = outputText(notebook);
        assert.doesNotMatch(text, /✗ wrong|Error:/, `chapter ${number} printed an error`);
        assert.match(text, /all checks passed/i, `chapter ${number}'s checks cell`);
        const metrics = JSON.parse(await Deno.readTextFile(`${buildDir}/metrics.json`))[number];
        assert.ok(metrics && Object.keys(metrics).length > 0, `chapter ${number} recorded nothing`);
        assert.ok(CLAIMS[number], `chapter ${number} has no claims listed in this test`);
        CLAIMS[number](metrics);
      }

      const site = await buildSite({ buildDir, siteDir });
      assert.equal(site.chapters.filter((c) => c.state === "ok").length, written.length);
      const report = await checkSiteInBrowser(siteDir, { screenshotsDir: SCREENSHOTS });
      for (const page of report.pages.slice(1)) {
        assert.ok(page.charts > 0, `${page.page} shows no chart`);
        assert.ok(page.formulas > 0, `${page.page} shows no maths`);
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
