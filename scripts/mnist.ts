/**
 * Trains two MNIST classifiers with the library, end to end, and reports their test accuracy:
 *
 * - logistic regression, 784 → 10, with Adam;
 * - a 784-256-256-10 ReLU MLP with He initialisation, Adam and a cosine learning-rate schedule.
 *
 * ```sh
 * deno run -A scripts/mnist.ts                       # both models
 * deno run -A scripts/mnist.ts --model mlp --epochs 3
 * deno run -A scripts/mnist.ts --json results.json   # also write the results as JSON
 * deno run -A scripts/mnist.ts --backend cpu-reference  # the same run on the reference kernels
 * ```
 *
 * Each model's epochs, test accuracy per epoch, and the live-tensor count at each epoch's end go
 * to the JSON file; `tests/mnist_example_test.ts` runs this script and checks them.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  accuracy,
  Adam,
  cosineAnnealing,
  crossEntropy,
  DataLoader,
  fit,
  Linear,
  liveTensors,
  loadMnist,
  ReLU,
  rescale,
  seed,
  Sequential,
  setBackend,
} from "../lib/mod.ts";

/** How one model is built and trained. */
interface Recipe {
  readonly describe: string;
  readonly epochs: number;
  readonly lr: number;
  readonly build: () => Sequential;
}

const RECIPES: Record<string, Recipe> = {
  logistic: {
    describe: "logistic regression 784→10, Adam lr 5e-3 with cosine decay",
    epochs: 5,
    lr: 5e-3,
    build: () => new Sequential(new Linear(784, 10)),
  },
  mlp: {
    describe: "MLP 784-256-256-10 ReLU, He init, Adam lr 1e-3 with cosine decay",
    epochs: 4,
    lr: 1e-3,
    build: () =>
      new Sequential(
        new Linear(784, 256),
        new ReLU(),
        new Linear(256, 256),
        new ReLU(),
        new Linear(256, 10),
      ),
  },
};

/** What one model's run produced. */
interface ModelResult {
  readonly model: string;
  readonly describe: string;
  readonly epochs: number;
  /** Test accuracy after each epoch. */
  readonly testAccuracy: number[];
  /** Live tensors after each epoch's end. */
  readonly liveTensors: number[];
  readonly seconds: number;
}

const BATCH_SIZE = 128;

const args = parseArgs({
  args: Deno.args,
  options: {
    model: { type: "string", default: "both" },
    epochs: { type: "string" },
    json: { type: "string" },
    backend: { type: "string", default: "cpu" },
  },
});
await setBackend(args.values.backend!);
const names = args.values.model === "both" ? Object.keys(RECIPES) : [args.values.model!];
for (const name of names) {
  if (!(name in RECIPES)) {
    throw new Error(`--model must be logistic, mlp or both, got '${name}'`);
  }
}
const epochsOverride = args.values.epochs === undefined ? undefined : Number(args.values.epochs);
if (epochsOverride !== undefined && !(Number.isInteger(epochsOverride) && epochsOverride >= 1)) {
  throw new Error(`--epochs must be a whole number ≥ 1, got '${args.values.epochs}'`);
}

const [trainSet, testSet] = await Promise.all([loadMnist("train"), loadMnist("test")]);
/** Flattened images scaled to [0, 1], and int32 labels. */
function loader(set: typeof trainSet, shuffle: boolean, seedValue: number) {
  const n = set.labels.length;
  return new DataLoader(
    { x: { data: set.images.data, shape: [n, 784] }, y: set.labels },
    { batchSize: BATCH_SIZE, shuffle, seed: seedValue, transforms: { x: [rescale(1 / 255)] } },
  );
}

const results: ModelResult[] = [];
for (const name of names) {
  const recipe = RECIPES[name];
  const epochs = epochsOverride ?? recipe.epochs;
  seed(0);
  const model = recipe.build();
  const train = loader(trainSet, true, 0);
  const optimizer = new Adam(model.parameters(), { lr: recipe.lr });
  const started = performance.now();
  console.log(`${name}: ${recipe.describe}, batch ${BATCH_SIZE}, ${epochs} epochs`);
  const live: number[] = [];
  const history = await fit(model, { train, validation: loader(testSet, false, 0) }, {
    epochs,
    optimizer,
    loss: crossEntropy,
    metrics: { accuracy },
    // One cosine half-period over the whole run, stepped every batch.
    schedule: cosineAnnealing(recipe.lr, epochs * train.length),
    scheduleBy: "step",
    onEpochEnd: () => {
      live.push(liveTensors().tensors);
    },
  });
  const testAccuracy = history.column("val_accuracy");
  results.push({
    model: name,
    describe: recipe.describe,
    epochs,
    testAccuracy,
    liveTensors: live,
    seconds: (performance.now() - started) / 1000,
  });
  optimizer.dispose();
  model.dispose();
}

console.log("\nmodel     epochs  test accuracy  seconds");
for (const r of results) {
  const acc = (100 * r.testAccuracy.at(-1)!).toFixed(2) + "%";
  console.log(
    `${r.model.padEnd(9)} ${String(r.epochs).padStart(6)}  ${acc.padStart(13)}  ` +
      r.seconds.toFixed(0).padStart(7),
  );
}
if (args.values.json) {
  await Deno.writeTextFile(args.values.json, JSON.stringify(results, null, 2) + "\n");
}
