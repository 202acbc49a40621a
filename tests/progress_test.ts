/**
 * The progress display: the pure renderers' text for known states, the Jupyter reporter (one
 * display, then in-place updates with the same display_id, throttled by lib/viz's LiveDisplay)
 * through a fake broadcaster, the terminal bar, and the one-line-per-epoch log that CI sees, also
 * as driven by fit.
 */

import assert from "node:assert/strict";
import { mse, noGrad, type Tensor, tensor, tidy, zeroGrad } from "../lib/mod.ts";
import {
  type BatchSource,
  createProgress,
  EpochLog,
  epochText,
  etaSeconds,
  fit,
  type FitOptions,
  formatDuration,
  formatValue,
  jupyterBroadcast,
  JupyterProgress,
  progressHtml,
  type ProgressReporter,
  progressText,
  type StepOptimizer,
  TerminalBar,
  type TrainableModel,
} from "../lib/train/mod.ts";

const state = { epoch: 2, epochs: 10, step: 45, steps: 100, elapsedSeconds: 9, loss: 0.342137 };

Deno.test("formatDuration, formatValue and etaSeconds", () => {
  assert.equal(formatDuration(0), "0:00");
  assert.equal(formatDuration(5.4), "0:05");
  assert.equal(formatDuration(65), "1:05");
  assert.equal(formatDuration(3600 + 62), "1:01:02");
  assert.equal(formatDuration(NaN), "--:--");
  assert.equal(formatDuration(-1), "--:--");
  assert.equal(formatValue(0.342137), "0.3421");
  assert.equal(formatValue(0), "0");
  assert.equal(formatValue(12345.6), "1.235e+4");
  assert.equal(formatValue(0.0001234), "1.234e-4");
  assert.equal(formatValue(NaN), "NaN");
  // 45 steps took 9 s: 0.2 s each, 55 to go.
  assert.equal(etaSeconds(state), 11);
  assert.equal(etaSeconds({ ...state, step: 0 }), null);
});

Deno.test("progressText: bar, counts, percentage, ETA and loss", () => {
  assert.equal(
    progressText(state),
    "epoch 2/10 [███████████░░░░░░░░░░░░░] 45/100  45% ETA 0:11 loss 0.3421",
  );
  assert.equal(
    progressText({ ...state, step: 0, loss: undefined }),
    "epoch 2/10 [░░░░░░░░░░░░░░░░░░░░░░░░] 0/100   0% ETA --:--",
  );
  assert.equal(
    progressText({ ...state, step: 100, elapsedSeconds: 20 }),
    "epoch 2/10 [████████████████████████] 100/100 100% ETA 0:00 loss 0.3421",
  );
});

Deno.test("epochText and progressHtml", () => {
  const record = {
    epoch: 3,
    train_loss: 0.5,
    train_accuracy: 0.875,
    val_loss: 0.61234,
    lr: 0.1,
    seconds: 2.345,
  };
  assert.equal(
    epochText(record, 10),
    "epoch 3/10 2.3s train_loss 0.5000 train_accuracy 0.8750 val_loss 0.6123 lr 0.1000",
  );
  const html = progressHtml(state, ["epoch 1/10 <done>"], "stopped & saved");
  assert.match(html, /<progress value="45" max="100"/);
  assert.match(html, /45\/100 {2}45% ETA 0:11 loss 0.3421/);
  assert.match(html, /epoch 1\/10 &lt;done&gt;/);
  assert.match(html, /stopped &amp; saved/);
  assert.doesNotMatch(progressHtml(null, []), /<progress/);
});

/** A broadcaster that records what it is asked to send. */
function fakeKernel() {
  const sent: { type: string; content: Record<string, unknown> }[] = [];
  const broadcast = (type: string, content: Record<string, unknown>) => {
    sent.push({ type, content });
    return Promise.resolve();
  };
  const idOf = (m: (typeof sent)[number]) =>
    (m.content.transient as { display_id: string }).display_id;
  const plain = (m: (typeof sent)[number]) =>
    (m.content.data as Record<string, string>)["text/plain"];
  return { sent, broadcast, idOf, plain };
}

Deno.test("JupyterProgress: one display, then throttled updates of the same display_id", async () => {
  const kernel = fakeKernel();
  let now = 0;
  const progress = new JupyterProgress(kernel.broadcast, { now: () => now, displayId: "bar-1" });
  await progress.start({ epochs: 2, steps: 10 });
  await progress.update({ ...state, epochs: 2, epoch: 1, step: 1, steps: 10 }); // at 0 ms: held
  now = 150;
  await progress.update({ ...state, epochs: 2, epoch: 1, step: 2, steps: 10 }); // 150 ms: held
  now = 210;
  await progress.update({ ...state, epochs: 2, epoch: 1, step: 3, steps: 10 }); // 210 ms: sent
  await progress.epochEnd({ epoch: 1, train_loss: 0.25, lr: 0.1, seconds: 1 }); // always sent
  await progress.end("early stopping after epoch 1");
  assert.deepEqual(kernel.sent.map((m) => m.type), [
    "display_data",
    "update_display_data",
    "update_display_data",
    "update_display_data",
  ]);
  assert.ok(kernel.sent.every((m) => kernel.idOf(m) === "bar-1"));
  assert.match(kernel.plain(kernel.sent[1]), /epoch 1\/2 .* 3\/10 {2}30%/);
  assert.equal(
    kernel.plain(kernel.sent[3]),
    "epoch 1/2 1.0s train_loss 0.2500 lr 0.1000\nearly stopping after epoch 1",
  );
  const html = (kernel.sent[1].content.data as Record<string, string>)["text/html"];
  assert.match(html, /<progress value="3" max="10"/);
});

Deno.test("JupyterProgress: a held bar is drawn once the interval ends; end() before start() is quiet", async () => {
  const kernel = fakeKernel();
  const progress = new JupyterProgress(kernel.broadcast, { intervalMs: 30 });
  await progress.end(); // what fit's cleanup does when it fails before starting
  assert.equal(kernel.sent.length, 0);
  await progress.start({ epochs: 1, steps: 10 });
  await progress.update({ ...state, epochs: 1, epoch: 1, step: 5, steps: 10 }); // too soon: held
  assert.equal(kernel.sent.length, 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(kernel.sent.length, 2, "the held bar, drawn by the display's timer");
  assert.equal(kernel.sent[1].type, "update_display_data");
  assert.match(kernel.plain(kernel.sent[1]), /5\/10 {2}50%/);
  await progress.end();
  assert.equal(kernel.sent.length, 3);
});

/** A one-weight regression with three batches per epoch, for driving fit. */
function tinyRun(progress: ProgressReporter): [TrainableModel, { train: BatchSource }, FitOptions] {
  const w = tensor([[0], [0]], { requiresGrad: true });
  const model: TrainableModel = {
    forward: (x: Tensor) => x.matmul(w).reshape([-1]),
    parameters: () => [w],
    train() {},
    eval() {},
  };
  const optimizer: StepOptimizer = {
    lr: 0.01,
    step() {
      tidy(() => noGrad(() => w.assign(w.sub(w.grad!.mul(this.lr)))));
    },
    zeroGrad: () => zeroGrad([w]),
  };
  const train: BatchSource = {
    length: 3,
    *[Symbol.iterator]() {
      for (let i = 0; i < 3; i++) yield { x: tensor([[1, 2], [3, i]]), y: tensor([1, 2]) };
    },
  };
  return [model, { train }, { epochs: 3, optimizer, loss: mse, progress }];
}

Deno.test("fit in Jupyter: one display_data, then updates with its display_id, a line per epoch", async () => {
  const kernel = fakeKernel();
  const [model, data, options] = tinyRun(new JupyterProgress(kernel.broadcast));
  await fit(model, data, options);
  assert.equal(kernel.sent[0].type, "display_data");
  assert.ok(kernel.sent.slice(1).every((m) => m.type === "update_display_data"));
  assert.ok(kernel.sent.length >= 4, "at least one update per epoch and one at the end");
  const id = kernel.idOf(kernel.sent[0]);
  assert.match(id, /^fdl-progress-/);
  assert.ok(kernel.sent.every((m) => kernel.idOf(m) === id));
  const last = kernel.plain(kernel.sent.at(-1)!).split("\n");
  assert.equal(last.length, 3);
  last.forEach((line, i) =>
    assert.match(line, new RegExp(`^epoch ${i + 1}/3 \\d+\\.\\ds train_loss`))
  );
  model.parameters()[0].dispose();
});

Deno.test("fit outside a terminal: one line per epoch, and the early-stopping note", async () => {
  let out = "";
  const [model, data, options] = tinyRun(new EpochLog((s) => out += s));
  await fit(model, data, options);
  const lines = out.trimEnd().split("\n");
  assert.equal(lines.length, 3);
  lines.forEach((line, i) => assert.match(line, new RegExp(`^epoch ${i + 1}/3 .*train_loss`)));
  assert.doesNotMatch(out, /\r/);

  out = "";
  // Patience 1 on a learning rate of 0 (nothing improves): stops after epoch 2.
  await fit(model, data, {
    ...options,
    optimizer: { ...options.optimizer, lr: 0, step() {} },
    earlyStopping: { patience: 1, monitor: "train_loss" },
  });
  assert.deepEqual(out.trimEnd().split("\n").map((l) => l.split(" ", 2).join(" ")), [
    "epoch 1/3",
    "epoch 2/3",
    "early stopping",
  ]);
  assert.match(out, /early stopping after epoch 2: train_loss did not improve for 1 epoch;/);
  model.parameters()[0].dispose();
});

Deno.test("TerminalBar: redraws in place, throttled; epochs leave lines; a cut bar is ended", () => {
  const writes: string[] = [];
  let now = 0;
  const bar = new TerminalBar((s) => writes.push(s), { now: () => now, intervalMs: 100 });
  bar.start({ epochs: 2, steps: 100 });
  bar.update({ ...state, epochs: 2, epoch: 1 });
  now = 50;
  bar.update({ ...state, epochs: 2, epoch: 1, step: 50 });
  now = 120;
  bar.update({ ...state, epochs: 2, epoch: 1, step: 60 });
  bar.epochEnd({ epoch: 1, train_loss: 0.3, lr: 0.1, seconds: 4 });
  now = 300;
  bar.update({ ...state, epochs: 2, epoch: 2, step: 10 });
  bar.end();
  assert.equal(writes.length, 5);
  assert.match(writes[0], /^\repoch 1\/2 \[.*\] 45\/100 /);
  assert.ok(writes[0].endsWith("\x1b[K"), "clears what a longer line left");
  assert.match(writes[1], /^\repoch 1\/2 \[.*\] 60\/100 /);
  assert.equal(writes[2], "\repoch 1/2 4.0s train_loss 0.3000 lr 0.1000\x1b[K\n");
  assert.match(writes[3], /^\repoch 2\/2 .* 10\/100 /);
  assert.equal(writes[4], "\n");
});

Deno.test("createProgress: off, custom, or the reporter for where the code runs", () => {
  assert.equal(createProgress(false), null);
  const custom = new EpochLog(() => {});
  assert.equal(createProgress(custom), custom);
  assert.equal(jupyterBroadcast(), null, "tests do not run in the Jupyter kernel");
  const auto = createProgress(true);
  assert.ok(auto instanceof (Deno.stderr.isTerminal() ? TerminalBar : EpochLog));
  assert.ok(createProgress() instanceof (Deno.stderr.isTerminal() ? TerminalBar : EpochLog));
});
