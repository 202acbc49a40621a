/**
 * The trainer: fit on a separable problem (loss down, accuracy up, history tables and files), flat
 * memory across epochs, evaluate against a hand computation, early stopping, NaN detection,
 * schedules, and the errors for shapes that do not fit. The model, optimizer and data source are
 * small stand-ins that fit the trainer's interfaces.
 */

import assert from "node:assert/strict";
import pl from "nodejs-polars";
import {
  assertClose,
  assertRejectsWith,
  crossEntropy,
  fromArray,
  isGradEnabled,
  liveTensors,
  mse,
  noGrad,
  Rng,
  type Tensor,
  tensor,
  tidy,
  zeroGrad,
  zeros,
} from "../lib/mod.ts";
import {
  accuracy,
  type BatchSource,
  EarlyStopping,
  evaluate,
  fit,
  History,
  type StepOptimizer,
  type TrainableModel,
  TrainingError,
} from "../lib/train/mod.ts";

/** x·W + b, with a record of the mode and grad state each forward pass ran in. */
class Linear implements TrainableModel {
  readonly w: Tensor;
  readonly b: Tensor;
  training = true;
  readonly seen: { training: boolean; grad: boolean }[] = [];

  constructor(w: number[][], b: number[]) {
    this.w = tensor(w, { requiresGrad: true });
    this.b = tensor(b, { requiresGrad: true });
  }

  forward(x: Tensor): Tensor {
    this.seen.push({ training: this.training, grad: isGradEnabled() });
    return x.matmul(this.w).add(this.b);
  }

  parameters(): Tensor[] {
    return [this.w, this.b];
  }

  train(): void {
    this.training = true;
  }

  eval(): void {
    this.training = false;
  }

  dispose(): void {
    this.w.dispose();
    this.b.dispose();
  }
}

/** Plain gradient descent, recording the learning rate of every step. */
class PlainSgd implements StepOptimizer {
  readonly lrs: number[] = [];
  constructor(readonly params: Tensor[], public lr: number) {}

  step(): void {
    this.lrs.push(this.lr);
    tidy(() =>
      noGrad(() => {
        for (const p of this.params) if (p.grad) p.assign(p.sub(p.grad.mul(this.lr)));
      })
    );
  }

  zeroGrad(): void {
    zeroGrad(this.params);
  }
}

/** Batches made afresh from host arrays on every pass, as a DataLoader does. */
function source(
  x: Float32Array,
  y: Float32Array | Int32Array,
  features: number,
  batchSize: number,
  poison?: { pass: number; batch: number },
): BatchSource {
  const n = x.length / features, targetWidth = y.length / n;
  let pass = 0;
  return {
    length: Math.ceil(n / batchSize),
    *[Symbol.iterator]() {
      pass++;
      for (let start = 0, b = 1; start < n; start += batchSize, b++) {
        const end = Math.min(n, start + batchSize);
        const xs = x.slice(start * features, end * features);
        if (poison && poison.pass === pass && poison.batch === b) xs[0] = NaN;
        const ys = y.slice(start * targetWidth, end * targetWidth);
        yield {
          x: fromArray(xs, [end - start, features]),
          y: fromArray(ys, targetWidth === 1 ? [end - start] : [end - start, targetWidth], {
            dtype: ys instanceof Int32Array ? "int32" : "float32",
          }),
        };
      }
    },
  };
}

/** Three well-separated Gaussian blobs in the plane, labelled 0, 1, 2. */
function blobs(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = new Rng(seed);
  const centres = [[3, 0], [-3, 3], [-3, -3]];
  const x = new Float32Array(n * 2), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    x[2 * i] = centres[c][0] + 0.7 * rng.normal();
    x[2 * i + 1] = centres[c][1] + 0.7 * rng.normal();
  }
  return { x, y };
}

/** Noisy linear regression targets y = x·[1, -2] + 0.5. */
function regression(n: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 2), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = rng.normal();
    x[2 * i + 1] = rng.normal();
    y[i] = x[2 * i] - 2 * x[2 * i + 1] + 0.5 + 0.01 * rng.normal();
  }
  return { x, y };
}

/** A linear regression model whose output is [N] (squeezed), for mse against [N] targets. */
class Regressor extends Linear {
  constructor() {
    super([[0], [0]], [0]);
  }

  override forward(x: Tensor): Tensor {
    return super.forward(x).reshape([-1]);
  }
}

function allFinite(ts: Tensor[]): boolean {
  return ts.every((t) => Array.from(t.dataSync()).every(Number.isFinite));
}

const quiet = { progress: false } as const;

Deno.test("fit: loss falls and accuracy rises on separable blobs; history rows, columns, files", async () => {
  const train = blobs(120, 1), valid = blobs(60, 2);
  const model = new Linear([[0, 0, 0], [0, 0, 0]], [0, 0, 0]);
  const optimizer = new PlainSgd(model.parameters(), 0.05);
  const history = await fit(model, {
    train: source(train.x, train.y, 2, 16),
    validation: source(valid.x, valid.y, 2, 25),
  }, { epochs: 4, optimizer, loss: crossEntropy, metrics: { accuracy }, readEvery: 3, ...quiet });

  assert.deepEqual(history.epochColumns, [
    "epoch",
    "train_loss",
    "train_accuracy",
    "val_loss",
    "val_accuracy",
    "lr",
    "seconds",
  ]);
  assert.equal(history.epochs.length, 4);
  const loss = history.column("train_loss");
  assert.ok(loss[3] < loss[0] / 2, `train loss ${loss} should at least halve`);
  assert.ok(history.column("val_loss")[3] < history.column("val_loss")[0]);
  assert.ok(
    history.column("val_accuracy")[3] > 0.95,
    `val accuracy ${history.column("val_accuracy")}`,
  );
  assert.deepEqual(history.column("epoch"), [1, 2, 3, 4]);
  assert.ok(history.column("seconds").every((s) => s > 0));
  assert.deepEqual(history.column("lr"), [0.05, 0.05, 0.05, 0.05]);
  // 120 examples in batches of 16: 8 steps per epoch, every one recorded.
  assert.equal(history.steps.length, 32);
  assert.deepEqual(history.steps.map((s) => s.step), Array.from({ length: 32 }, (_, i) => i + 1));
  assert.deepEqual(history.stepColumns, ["step", "epoch", "batch", "loss", "accuracy", "lr"]);
  // The epoch's loss is the step losses weighted by batch size (7 × 16 + 8).
  const first = history.steps.filter((s) => s.epoch === 1);
  const weighted = first.reduce((sum, s) => sum + s.loss * (s.batch === 8 ? 8 : 16), 0) / 120;
  assertClose(loss[0], weighted, { rtol: 1e-9 });
  assert.equal(model.training, true, "fit leaves the model in the mode it found it in");

  const frame = await history.toDataFrame();
  assert.deepEqual(frame.shape, { height: 4, width: 7 });
  assert.deepEqual(frame.columns, history.epochColumns);
  const steps = await history.stepsDataFrame();
  assert.deepEqual(steps.shape, { height: 32, width: 6 });

  const dir = await Deno.makeTempDir();
  try {
    await history.writeCsv(`${dir}/epochs.csv`);
    await history.writeParquet(`${dir}/epochs.parquet`);
    await history.writeCsv(`${dir}/steps.csv`, "steps");
    for (const back of [pl.readCSV(`${dir}/epochs.csv`), pl.readParquet(`${dir}/epochs.parquet`)]) {
      assert.deepEqual(back.columns, history.epochColumns);
      for (const c of history.epochColumns) {
        assertClose(back.getColumn(c).toArray() as number[], history.column(c), {
          rtol: 1e-12,
          message: c,
        });
      }
    }
    const backSteps = pl.readCSV(`${dir}/steps.csv`);
    assert.equal(backSteps.height, 32);
    assertClose(
      backSteps.getColumn("loss").toArray() as number[],
      history.steps.map((s) => s.loss),
      {
        rtol: 1e-12,
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  model.dispose();
});

Deno.test("fit: live tensors stay flat from epoch to epoch, and nothing is left after", async () => {
  const train = blobs(60, 3), valid = blobs(30, 4);
  const model = new Linear([[0, 0, 0], [0, 0, 0]], [0, 0, 0]);
  const optimizer = new PlainSgd(model.parameters(), 0.05);
  const before = liveTensors().tensors;
  const atEpochEnd: number[] = [];
  await fit(model, {
    train: source(train.x, train.y, 2, 8),
    validation: source(valid.x, valid.y, 2, 7),
  }, {
    epochs: 4,
    optimizer,
    loss: crossEntropy,
    metrics: { accuracy },
    readEvery: 3,
    earlyStopping: { patience: 10, restoreBest: true },
    onEpochEnd: () => {
      atEpochEnd.push(liveTensors().tensors);
    },
    ...quiet,
  });
  // Live before epoch 2 (after epoch 1) equals live before epoch 3, and so on.
  assert.equal(atEpochEnd[1], atEpochEnd[0]);
  assert.equal(atEpochEnd[2], atEpochEnd[0]);
  assert.equal(atEpochEnd[3], atEpochEnd[0]);
  assert.equal(liveTensors().tensors, before);
  assert.equal(liveTensors().scopes, 0);
  model.dispose();
});

Deno.test("evaluate: batch-size-weighted means match a hand computation; mode and grad restored", async () => {
  // Five examples in batches of 2, 2, 1: a plain mean of batch means would overweight the last.
  const x = new Float32Array([1, 0, 0, 1, 1, 1, -1, 2, 2, -1]);
  const y = new Int32Array([0, 1, 1, 0, 0]);
  const model = new Linear([[1, -1], [0.5, 2]], [0.1, -0.2]);
  const before = liveTensors().tensors;
  const scores = await evaluate(model, source(x, y, 2, 2), {
    loss: crossEntropy,
    metrics: { accuracy },
  });
  // By hand: logits = x·W + b per row, loss = logSumExp(logits) - logits[label].
  const W = [[1, -1], [0.5, 2]], b = [0.1, -0.2];
  let lossSum = 0, correct = 0;
  for (let i = 0; i < 5; i++) {
    const z = [0, 1].map((c) => x[2 * i] * W[0][c] + x[2 * i + 1] * W[1][c] + b[c]);
    lossSum += Math.log(Math.exp(z[0]) + Math.exp(z[1])) - z[y[i]];
    if ((z[1] > z[0] ? 1 : 0) === y[i]) correct++;
  }
  assertClose(scores.loss, lossSum / 5, { rtol: 1e-6 });
  assertClose(scores.accuracy, correct / 5, { rtol: 1e-6 });
  assert.deepEqual(Object.keys(scores), ["loss", "accuracy"]);
  assert.ok(model.seen.every((s) => !s.training && !s.grad), "eval mode, under noGrad");
  assert.equal(model.training, true, "back in training mode");
  assert.equal(liveTensors().tensors, before, "batches and sums are freed");

  model.eval();
  await evaluate(model, source(x, y, 2, 2), { metrics: { accuracy } });
  assert.equal(model.training, false, "a model in eval mode stays in it");
  model.dispose();
});

Deno.test("early stopping: stops after `patience` epochs without improvement, restores the best", async () => {
  // Validation loss is w² (x = 1, y = 0). The optimizer ignores gradients and walks w through a
  // script: the loss improves until epoch 3, then worsens for three epochs.
  const script = [3, 2, 1, 1.5, 2, 2.5, 3, 3.5];
  const x = new Float32Array([1, 0]), zero = new Float32Array([0]);
  for (const restoreBest of [true, false]) {
    const model = new Regressor();
    let steps = 0;
    const scripted: StepOptimizer = {
      lr: 0,
      step: () => {
        const w = tensor([[script[steps++]], [0]]);
        model.w.assign(w);
        w.dispose();
      },
      zeroGrad: () => zeroGrad(model.parameters()),
    };
    const before = liveTensors().tensors;
    const history = await fit(model, {
      train: source(x, zero, 2, 1),
      validation: source(x, zero, 2, 1),
    }, {
      epochs: 8,
      optimizer: scripted,
      loss: mse,
      earlyStopping: { patience: 3, restoreBest },
      ...quiet,
    });
    assert.deepEqual(history.column("val_loss"), [9, 4, 1, 2.25, 4, 6.25]);
    assert.deepEqual(history.earlyStopping, {
      monitor: "val_loss",
      best: 1,
      bestEpoch: 3,
      stoppedEpoch: 6,
      restored: restoreBest,
    });
    assert.equal(model.w.dataSync()[0], restoreBest ? 1 : 2.5);
    assert.equal(liveTensors().tensors, before, "the weight copy is freed");
    model.dispose();
  }
});

Deno.test("EarlyStopping: minDelta, mode from the column name, and a column that is not there", () => {
  const columns = new History(["accuracy"], true).epochColumns;
  const stopper = new EarlyStopping({ patience: 2, minDelta: 0.1 }, columns, []);
  assert.equal(stopper.monitor, "val_loss");
  assert.equal(stopper.mode, "min");
  const row = (epoch: number, val_loss: number) => ({ epoch, val_loss });
  assert.equal(stopper.update(row(1, 1.0)), false);
  assert.equal(stopper.update(row(2, 0.95)), false, "0.05 better is within minDelta: wait 1");
  assert.equal(stopper.update(row(3, 0.92)), true, "below 0.9 is needed: wait 2, stop");
  assert.equal(stopper.bestEpoch, 1);

  assert.equal(new EarlyStopping({ monitor: "val_accuracy" }, columns, []).mode, "max");
  const trainOnly = new History([], false).epochColumns;
  assert.equal(new EarlyStopping({}, trainOnly, []).monitor, "train_loss");
  assert.throws(
    () => new EarlyStopping({ monitor: "val_loss" }, trainOnly, []),
    /cannot monitor 'val_loss'.*needs validation data/,
  );
  assert.throws(() => new EarlyStopping({ patience: 0 }, columns, []), /patience must be/);
});

Deno.test("NaN detection: a learning rate that blows up stops with the step, history and finite weights", async () => {
  const data = regression(64, 5);
  const model = new Regressor();
  const optimizer = new PlainSgd(model.parameters(), 0.05);
  const err = await assertRejectsWith(
    () =>
      fit(model, { train: source(data.x, data.y, 2, 4) }, {
        epochs: 5,
        optimizer,
        loss: mse,
        // Two calm epochs, then a rate far past stability: the loss overflows within the epoch.
        schedule: (t) => t < 2 ? 0.05 : 60,
        readEvery: 5,
        ...quiet,
      }),
    "fit: epoch 3, step",
    "lower learning rate",
    "clipping gradients",
    "checking the inputs for NaN",
    "err.history",
  ) as TrainingError;
  assert.ok(err instanceof TrainingError);
  assert.equal(err.position.epoch, 3);
  assert.match(
    err.message,
    new RegExp(`step ${err.position.batch} of 16 \\(step ${err.position.step} overall\\)`),
  );
  assert.match(err.message, /The last finite loss was [\d.e+]+ \(step \d+\)/);
  assert.equal(err.history.epochs.length, 2, "the two finished epochs survive");
  assert.ok(err.history.column("train_loss")[1] < err.history.column("train_loss")[0]);
  assert.match(err.message, /The parameters are back to their values before step \d+/);
  assert.equal(err.history.steps.at(-1)!.step, err.position.step - 1, "every finite step is kept");
  assert.ok(allFinite(model.parameters()), "the weights are back to finite values");
  model.dispose();
});

Deno.test("NaN detection: a poisoned input names its step; the weights stay finite", async () => {
  const data = regression(32, 6);
  const model = new Regressor();
  const err = await assertRejectsWith(
    () =>
      fit(model, { train: source(data.x, data.y, 2, 4, { pass: 2, batch: 3 }) }, {
        epochs: 3,
        optimizer: new PlainSgd(model.parameters(), 0.05),
        loss: mse,
        ...quiet,
      }),
    "fit: epoch 2, step 3 of 8 (step 11 overall): the loss is NaN",
  ) as TrainingError;
  assert.equal(err.history.epochs.length, 1);
  assert.equal(err.history.steps.length, 10);
  assert.ok(allFinite(model.parameters()));
  model.dispose();
});

Deno.test("fit: an optimizer that throws ends the run at its step, with the steps before it", async () => {
  const data = regression(32, 9);
  // Like the library's optimizers on the CPU, this one refuses a non-finite gradient.
  class CheckingSgd extends PlainSgd {
    override step(): void {
      if (this.lrs.length === 2 && this.lr === 0.5) throw new Error("boom");
      if (!allFinite(this.params.map((p) => p.grad!))) throw new Error("gradient is NaN");
      super.step();
    }
  }
  const model = new Regressor();
  const failing = await assertRejectsWith(
    () =>
      fit(model, { train: source(data.x, data.y, 2, 4) }, {
        epochs: 2,
        optimizer: new CheckingSgd(model.parameters(), 0.5),
        loss: mse,
        readEvery: 100,
        ...quiet,
      }),
    "fit: epoch 1, step 3 of 8 (step 3 overall): boom",
  ) as TrainingError;
  assert.deepEqual(failing.history.steps.map((s) => s.step), [1, 2, 3], "read on the way out");
  assert.ok(failing.cause instanceof Error && failing.cause.message === "boom");

  // The optimizer sees the NaN gradient first; the run still reports the diverged loss and step.
  const poisoned = await assertRejectsWith(
    () =>
      fit(model, { train: source(data.x, data.y, 2, 4, { pass: 1, batch: 4 }) }, {
        epochs: 2,
        optimizer: new CheckingSgd(model.parameters(), 0.05),
        loss: mse,
        readEvery: 100,
        ...quiet,
      }),
    "fit: epoch 1, step 4 of 8 (step 4 overall): the loss is NaN",
    "before the first step",
  ) as TrainingError;
  assert.deepEqual(poisoned.history.steps.map((s) => s.step), [1, 2, 3]);
  assert.ok(allFinite(model.parameters()));
  model.dispose();
});

Deno.test("schedules: the optimizer sees schedule(epoch) each epoch, or schedule(step) each step", async () => {
  const data = regression(8, 7);
  const perEpoch = new Regressor();
  const a = new PlainSgd(perEpoch.parameters(), 1);
  const h1 = await fit(perEpoch, { train: source(data.x, data.y, 2, 4) }, {
    epochs: 3,
    optimizer: a,
    loss: mse,
    schedule: (t) => 0.1 / (t + 1),
    ...quiet,
  });
  assert.deepEqual(a.lrs, [0.1, 0.1, 0.05, 0.05, 0.1 / 3, 0.1 / 3]);
  assert.deepEqual(h1.column("lr"), [0.1, 0.05, 0.1 / 3]);

  const perStep = new Regressor();
  const b = new PlainSgd(perStep.parameters(), 1);
  const h2 = await fit(perStep, { train: source(data.x, data.y, 2, 4) }, {
    epochs: 2,
    optimizer: b,
    loss: mse,
    schedule: (t) => 0.01 * t,
    scheduleBy: "step",
    ...quiet,
  });
  assert.deepEqual(b.lrs, [0, 0.01, 0.02, 0.03]);
  assert.deepEqual(h2.steps.map((s) => s.lr), [0, 0.01, 0.02, 0.03]);
  assert.deepEqual(h2.column("lr"), [0.01, 0.03], "an epoch's lr is its last step's");

  await assertRejectsWith(
    () =>
      fit(new Regressor(), { train: source(data.x, data.y, 2, 4) }, {
        epochs: 1,
        optimizer: b,
        loss: mse,
        schedule: () => NaN,
        ...quiet,
      }),
    "the schedule gave the learning rate NaN at t = 0",
  );
  perEpoch.dispose();
  perStep.dispose();
});

Deno.test("fit: a model output that does not fit the target names both shapes and the step", async () => {
  const data = regression(8, 8);
  const model = new Linear([[0, 0, 0], [0, 0, 0]], [0, 0, 0]); // [N, 3] out, targets [N]
  const before = liveTensors().tensors;
  const err = await assertRejectsWith(
    () =>
      fit(model, { train: source(data.x, data.y, 2, 4) }, {
        epochs: 2,
        optimizer: new PlainSgd(model.parameters(), 0.1),
        loss: mse,
        ...quiet,
      }),
    "fit: epoch 1, step 1 of 2 (step 1 overall): the loss failed on model output [4, 3] float32 " +
      "vs target [4] float32",
    "mse: predictions [4, 3] and targets [4] must have the same shape",
  ) as TrainingError;
  assert.equal(err.history.epochs.length, 0);
  assert.equal(liveTensors().tensors, before, "the failed step frees its batch and graph");

  const reused = { x: zeros([4, 2]), y: zeros([4]) };
  await assertRejectsWith(
    () =>
      fit(new Regressor(), { train: Object.assign([reused], { length: 1 }) }, {
        epochs: 2,
        optimizer: new PlainSgd([], 0.1),
        loss: mse,
        ...quiet,
      }),
    "epoch 2, step 1",
    "already disposed",
    "must make new tensors on each pass",
  );
  model.dispose();
});

Deno.test("accuracy: fraction of rows whose top logit is the label; clear errors", () => {
  const logits = tensor([[2, 1], [0, 3], [5, -1], [0, 1]]);
  const labels = tensor([0, 0, 0, 1], { dtype: "int32" });
  assertClose(accuracy(logits, labels), 0.75);
  assert.throws(() => accuracy(logits, tensor([0, 1, 0, 1])), /labels must be int32/);
  assert.throws(() => accuracy(logits, labels.reshape([2, 2])), /logits \[N, C\] and labels \[N\]/);
});
