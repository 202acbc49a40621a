/**
 * The course's twelve chapters: number, title, one-line summary and notebook file. The runner, the
 * site and the tests all read this one list, so a chapter is named the same everywhere.
 *
 * @module
 */

/** One chapter of the course. */
export interface Chapter {
  /** 1 … 12. */
  readonly number: number;
  /** The chapter's title. */
  readonly title: string;
  /** One line on what the chapter does. */
  readonly summary: string;
  /** The notebook's file name in `notebooks/`, e.g. `01-the-neural-network.ipynb`. */
  readonly file: string;
}

/** Builds a chapter's entry; the file name is its number and slug. */
function chapter(number: number, slug: string, title: string, summary: string): Chapter {
  return { number, title, summary, file: `${String(number).padStart(2, "0")}-${slug}.ipynb` };
}

/** All twelve chapters, in order. */
export const CHAPTERS: readonly Chapter[] = Object.freeze([
  chapter(
    1,
    "the-neural-network",
    "The Neural Network",
    "Neurons, perceptrons, XOR and why depth needs nonlinearity.",
  ),
  chapter(
    2,
    "training-feed-forward-networks",
    "Training Feed-Forward Networks",
    "Gradient descent, backpropagation by hand, and overfitting on MNIST.",
  ),
  chapter(
    3,
    "implementing-networks",
    "Implementing Networks in a Framework",
    "Our library beside TensorFlow.js, layer for layer.",
  ),
  chapter(
    4,
    "beyond-gradient-descent",
    "Beyond Gradient Descent",
    "Error surfaces, momentum, adaptive rates and second-order methods.",
  ),
  chapter(
    5,
    "convolutional-networks",
    "Convolutional Networks",
    "Filters, pooling and a CNN for CIFAR-10.",
  ),
  chapter(
    6,
    "embeddings-and-representation-learning",
    "Embeddings and Representation Learning",
    "Autoencoders, denoising and word embeddings.",
  ),
  chapter(
    7,
    "sequence-models",
    "Sequence Models",
    "RNNs, LSTMs, tagging and language modelling.",
  ),
  chapter(
    8,
    "memory-augmented-networks",
    "Memory-Augmented Networks",
    "The copy task, a Neural Turing Machine, and memory networks on bAbI.",
  ),
  chapter(
    9,
    "generative-models",
    "Generative Models",
    "Density estimation, variational autoencoders and GANs.",
  ),
  chapter(
    10,
    "deep-reinforcement-learning",
    "Deep Reinforcement Learning",
    "Value iteration, CartPole, policy gradients and deep Q-learning.",
  ),
  chapter(
    11,
    "unsupervised-learning",
    "Unsupervised Learning",
    "A hundred labels, contrastive pretraining, linear probes and k-means.",
  ),
  chapter(
    12,
    "training-extremely-deep-networks",
    "Training Extremely Deep Networks",
    "Initialisation, normalisation, and residual and highway connections at depth.",
  ),
]);

/** The chapter whose notebook file is `file` (a base name), or undefined. */
export function chapterOfFile(file: string): Chapter | undefined {
  return CHAPTERS.find((c) => c.file === file);
}
