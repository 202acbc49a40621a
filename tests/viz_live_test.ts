/**
 * Live displays and recorded metrics, through a fake kernel: the first update is display_data
 * with a display_id and later ones update_display_data with the same id; rapid updates collapse
 * under a fake clock and the last one is always flushed; liveChart redraws a line chart per
 * series; record emits the metrics MIME bundle, or prints a table outside Jupyter.
 */

import assert from "node:assert/strict";
import {
  type FlushTimer,
  jupyterBroadcast,
  liveChart,
  LiveDisplay,
  METRICS_MIME,
  type MimeBundle,
  record,
} from "../lib/mod.ts";

/** A broadcaster that records what it is asked to send. */
function fakeKernel() {
  const sent: { type: string; content: Record<string, unknown> }[] = [];
  const broadcast = (type: string, content: Record<string, unknown>) => {
    sent.push({ type, content });
    return Promise.resolve();
  };
  const idOf = (i: number) => (sent[i].content.transient as { display_id?: string }).display_id;
  const data = (i: number) => sent[i].content.data as MimeBundle;
  return { sent, broadcast, idOf, data };
}

/** A timer the test fires by hand. */
function fakeTimer() {
  const pending: { fire: () => void; ms: number; done: boolean }[] = [];
  const timer: FlushTimer = (flush, ms) => {
    const entry = {
      ms,
      done: false,
      fire: () => {
        entry.done = true;
        flush();
      },
    };
    pending.push(entry);
    return () => entry.done = true;
  };
  const live = () => pending.filter((p) => !p.done);
  return { timer, live };
}

Deno.test("LiveDisplay: display_data first, then update_display_data with the same id", async () => {
  const kernel = fakeKernel();
  let now = 0;
  const display = new LiveDisplay({ broadcast: kernel.broadcast, now: () => now, timer: null });
  await display.update({ "text/plain": "a" });
  now = 300;
  await display.update({ "text/plain": "b" });
  now = 600;
  await display.update({ "text/plain": "c" });
  assert.deepEqual(kernel.sent.map((m) => m.type), [
    "display_data",
    "update_display_data",
    "update_display_data",
  ]);
  assert.match(display.displayId, /^fdl-live-/);
  assert.ok(kernel.sent.every((_, i) => kernel.idOf(i) === display.displayId));
  assert.deepEqual(kernel.sent[2].content, {
    data: { "text/plain": "c" },
    metadata: {},
    transient: { display_id: display.displayId },
  });
});

Deno.test("LiveDisplay: rapid updates collapse to the latest; close() flushes it", async () => {
  const kernel = fakeKernel();
  let now = 0, renders = 0;
  const display = new LiveDisplay({
    broadcast: kernel.broadcast,
    now: () => now,
    timer: null,
    displayId: "d",
  });
  const frame = (text: string) => () => {
    renders++;
    return { "text/plain": text };
  };
  await display.update(frame("0 ms")); // shown
  for (const t of [50, 100, 200]) {
    now = t;
    await display.update(frame(`${t} ms`)); // held, each replacing the last
  }
  now = 260;
  await display.update(frame("260 ms")); // 260 ≥ 250 after the first: sent
  now = 300;
  await display.update(frame("300 ms")); // held
  assert.equal(kernel.sent.length, 2);
  assert.equal(renders, 2, "held frames are never drawn");
  await display.close();
  assert.deepEqual(kernel.sent.map((m) => kernel.data(kernel.sent.indexOf(m))["text/plain"]), [
    "0 ms",
    "260 ms",
    "300 ms",
  ]);
  assert.equal(renders, 3);
  assert.throws(() => display.update({ "text/plain": "late" }), /update after close\(\)/);
  await display.close(); // a second close is harmless
});

Deno.test("LiveDisplay: a held update is sent when the interval ends, or when forced", async () => {
  const kernel = fakeKernel();
  const timer = fakeTimer();
  let now = 0;
  const display = new LiveDisplay({
    broadcast: kernel.broadcast,
    now: () => now,
    timer: timer.timer,
    intervalMs: 100,
  });
  await display.update({ "text/plain": "first" });
  now = 30;
  await display.update({ "text/plain": "held" });
  now = 60;
  await display.update({ "text/plain": "held again" });
  assert.equal(timer.live().length, 1, "one timer for the held update");
  assert.equal(timer.live()[0].ms, 70, "due when the interval since the last send ends");
  now = 100;
  timer.live()[0].fire();
  assert.equal(kernel.data(1)["text/plain"], "held again");
  now = 120;
  await display.update({ "text/plain": "forced" }, { force: true });
  assert.equal(kernel.data(2)["text/plain"], "forced");
  assert.equal(timer.live().length, 0);
  await display.close();
  assert.equal(kernel.sent.length, 3);
});

Deno.test("LiveDisplay: outside Jupyter nothing is sent, and a fallback sees the updates", async () => {
  assert.equal(jupyterBroadcast(), null, "tests do not run in the Jupyter kernel");
  let renders = 0;
  const silent = new LiveDisplay({ timer: null });
  assert.equal(silent.active, false);
  await silent.update(() => {
    renders++;
    return {};
  });
  assert.equal(renders, 0, "nothing is drawn for nobody");

  const seen: MimeBundle[] = [];
  let now = 0;
  const terminal = new LiveDisplay({
    broadcast: null,
    fallback: (b) => seen.push(b),
    now: () => now,
    timer: null,
  });
  await terminal.update({ "text/plain": "1" });
  now = 10;
  await terminal.update({ "text/plain": "2" });
  await terminal.close();
  assert.deepEqual(seen, [{ "text/plain": "1" }, { "text/plain": "2" }]);
});

Deno.test("LiveDisplay and record: a broadcast that returns nothing, as Deno 2.9's does", async () => {
  const types: string[] = [];
  // The kernel's broadcast sends synchronously and returns undefined, whatever its types say.
  const broadcast = (type: string) => void types.push(type);
  const display = new LiveDisplay({ broadcast, timer: null, intervalMs: 0 });
  await display.update({ "text/plain": "a" });
  await display.update({ "text/plain": "b" });
  record({ accuracy: 1 }, { broadcast });
  const live = liveChart({ display: { broadcast, timer: null } });
  live.push({ step: 0, loss: 1 });
  await live.done();
  assert.deepEqual(types, ["display_data", "update_display_data", "display_data", "display_data"]);

  const failing = new LiveDisplay({
    broadcast: () => {
      throw new Error("iopub closed");
    },
    timer: null,
  });
  await assert.rejects(failing.update({ "text/plain": "x" }), /iopub closed/);
});

Deno.test("liveChart: push redraws a line per series in place; done() flushes the last rows", async () => {
  const kernel = fakeKernel();
  let now = 0;
  const live = liveChart({
    title: "Training",
    logY: true,
    display: { broadcast: kernel.broadcast, now: () => now, timer: null },
  });
  for (let step = 0; step <= 10; step++) {
    now = step * 100; // a row every 100 ms, a redraw at most every 250 ms: at 0, 300, 600, 900
    live.push({ step, train_loss: 1 / (step + 1), val_loss: 1.2 / (step + 1) });
  }
  const shown = kernel.sent.length;
  assert.equal(shown, 4);
  await live.done();
  assert.equal(kernel.sent.length, shown + 1, "the held last rows");
  assert.equal(kernel.sent[0].type, "display_data");
  assert.ok(kernel.sent.slice(1).every((m) => m.type === "update_display_data"));
  const id = kernel.idOf(0);
  assert.match(id!, /^fdl-chart-/);
  assert.ok(kernel.sent.every((_, i) => kernel.idOf(i) === id));
  const last = kernel.data(kernel.sent.length - 1);
  const svg = last["image/svg+xml"] as string;
  assert.equal(last["text/html"], svg);
  assert.equal(svg, live.chart().svg);
  assert.equal((svg.match(/<path /g) ?? []).length >= 2, true);
  assert.match(svg, />train_loss<\/text>/);
  assert.match(svg, />val_loss<\/text>/);
  assert.equal((svg.match(/<circle /g) ?? []).length, 22, "a dot per row per series");
  assert.equal(live.rows.length, 11);
  assert.throws(
    () => live.push({ step: 11, train_loss: 0.1 }),
    /liveChart: push\(\) after done\(\)/,
  );
});

Deno.test("liveChart: rows without the x field are numbered; bad rows are refused", async () => {
  const kernel = fakeKernel();
  const live = liveChart({ display: { broadcast: kernel.broadcast, timer: null } });
  live.push({ loss: 1 });
  live.push({ loss: 0.5 });
  assert.throws(
    () => live.push({ step: 3, loss: 0.2 }),
    /every row must have the x field "step", or none/,
  );
  assert.throws(
    () => live.push({ loss: "low" as unknown as number }),
    /liveChart: row field "loss" is "low", not a number/,
  );
  await live.done();
  assert.equal(live.rows.length, 2);

  // Outside Jupyter: rows are kept and nothing is drawn.
  const offline = liveChart();
  offline.push({ step: 1, loss: 1 });
  await offline.done();
  assert.equal(offline.rows.length, 1);
});

Deno.test("record: one display_data with the metrics MIME type and a readable table", () => {
  const kernel = fakeKernel();
  const metrics = { test_accuracy: 0.97431234, epochs: 5, optimizer: "Adam", converged: true };
  const recorded = record(metrics, { broadcast: kernel.broadcast });
  assert.equal(kernel.sent.length, 1);
  assert.equal(kernel.sent[0].type, "display_data");
  const data = kernel.data(0);
  assert.deepEqual(data[METRICS_MIME], metrics);
  assert.equal(METRICS_MIME, "application/vnd.fdl.metrics+json");
  assert.equal(
    data["text/plain"],
    [
      "metric         value",
      "test_accuracy  0.974312",
      "epochs         5",
      "optimizer      Adam",
      "converged      true",
    ].join("\n"),
  );
  assert.match(data["text/html"] as string, /<td[^>]*>test_accuracy<\/td><td[^>]*>0\.974312<\/td>/);
  assert.deepEqual(recorded.values, metrics);
  // As a cell's last expression it confirms, without repeating the metrics bundle.
  const shown = (recorded as unknown as Record<symbol, () => MimeBundle>)[
    Symbol.for("Jupyter.display")
  ]();
  assert.deepEqual(Object.keys(shown), ["text/plain"]);
  assert.match(shown["text/plain"] as string, /^Recorded 4 metrics: test_accuracy, epochs/);
});

Deno.test("record: prints the table outside Jupyter; refuses what is not a flat set of values", () => {
  let printed = "";
  record({ loss: 0.25 }, { broadcast: null, print: (t) => printed += t });
  assert.equal(printed, "metric  value\nloss    0.25");

  const quiet = { broadcast: null, print: () => {} };
  assert.throws(
    () => record({ loss: NaN }, quiet),
    /record: metrics\.loss is NaN; only finite numbers can be recorded/,
  );
  assert.throws(
    () => record({ nested: { a: 1 } } as never, quiet),
    /record: metrics\.nested is an object; metrics are a flat object/,
  );
  assert.throws(() => record({ list: [1] } as never, quiet), /metrics\.list is an array/);
  assert.throws(() => record({}, quiet), /record: metrics is empty/);
  assert.throws(() => record([1] as never, quiet), /record: metrics must be a plain object/);
});
