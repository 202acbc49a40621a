/**
 * The benchmark (issue 5), run in-process in quick mode on its smallest workloads: every workload ×
 * peer has a row, and the rows are consistent. Speeds are reported by `deno task bench`, never
 * asserted here.
 */

import assert from "node:assert/strict";
import { liveTensors } from "../lib/mod.ts";
import { parseArgs } from "../scripts/bench/args.ts";
import { benchChart } from "../scripts/bench/chart.ts";
import { oursPeer } from "../scripts/bench/ours.ts";
import type { Peer } from "../scripts/bench/peer.ts";
import { defaultPeers } from "../scripts/bench/peers.ts";
import { BASELINE_PEER, formatTable } from "../scripts/bench/report.ts";
import { runBench, selectWorkloads } from "../scripts/bench/run.ts";
import { median, timeRuns } from "../scripts/bench/timing.ts";
import { matmulFlops } from "../scripts/bench/workloads.ts";

// The cheapest workloads, one of which tfjs-wasm cannot run (it lacks Conv2DBackpropFilter).
const ONLY = ["matmul 128x784x256", "conv fwd 5x5x32", "conv fwd+bwd 5x5x32"];

Deno.test("bench: every workload × peer has a consistent row, and nothing leaks", async () => {
  // The GPU peers run in the WebGPU test process (tests/webgpu/bench.ts): one device a process.
  const peers = defaultPeers().filter((p) => !p.gpu);
  const before = liveTensors().tensors;
  const report = await runBench({ peers, quick: true, only: ONLY });
  assert.equal(liveTensors().tensors, before, "the bench frees every tensor it made");

  const workloads = selectWorkloads({ quick: true, only: ONLY });
  assert.deepEqual(workloads.map((w) => w.name), [
    "matmul 128x784x256",
    "conv fwd 5x5x32 on 28x28x1 b4",
    "conv fwd+bwd 5x5x32 on 28x28x1 b4",
  ]);
  assert.equal(report.rows.length, workloads.length * peers.length);
  for (const w of workloads) {
    for (const p of peers) {
      const rows = report.rows.filter((r) => r.workload === w.name && r.peer === p.name);
      assert.equal(rows.length, 1, `one row for ${w.name} on ${p.name}`);
    }
  }
  assert.ok(report.rows.some((r) => r.status === "ok" && r.peer === "ours cpu"));
  assert.ok(report.rows.some((r) => r.status === "ok" && r.peer === "ours cpu (reference)"));
  const flopsOf = (workload: string) => report.rows.find((r) => r.workload === workload)!.flops;
  assert.equal(flopsOf("matmul 128x784x256"), matmulFlops(128, 784, 256));
  assert.equal(flopsOf("matmul 128x784x256"), 2 * 128 * 784 * 256);
  const fwd = flopsOf("conv fwd 5x5x32 on 28x28x1 b4");
  assert.equal(fwd, 2 * 4 * 28 * 28 * 32 * 1 * 5 * 5);
  assert.equal(flopsOf("conv fwd+bwd 5x5x32 on 28x28x1 b4"), 3 * fwd, "backward is twice forward");

  for (const r of report.rows) {
    const what = `${r.workload} on ${r.peer}`;
    const base = report.rows.find((b) => b.workload === r.workload && b.peer === BASELINE_PEER)!;
    if (r.status === "ok") {
      assert.ok(Number.isFinite(r.medianMs) && r.medianMs! > 0, `${what}: a positive time`);
      assert.ok(r.runs >= 1, what);
      assert.ok(Math.abs(r.gflops! - r.flops / r.medianMs! / 1e6) < 1e-9 * r.gflops!, what);
      assert.equal(r.reason, undefined, what);
      if (base.status === "ok") {
        assert.ok(Math.abs(r.ratioVsWasm! - base.medianMs! / r.medianMs!) < 1e-12, what);
      } else {
        assert.equal(r.ratioVsWasm, null, `${what}: no ratio where tfjs-wasm cannot`);
      }
    } else {
      assert.equal(r.status, "cannot", what);
      assert.ok(r.reason && r.reason.length > 0, `${what}: a "cannot" row says why`);
      assert.equal(r.medianMs, null, what);
      assert.equal(r.gflops, null, what);
      assert.equal(r.ratioVsWasm, null, what);
    }
  }
  const wasm = report.rows.filter((r) => r.peer === BASELINE_PEER && r.status === "ok");
  assert.ok(wasm.every((r) => r.ratioVsWasm === 1), "tfjs-wasm is 1× itself");

  assert.equal(report.machine.hardwareConcurrency, navigator.hardwareConcurrency);
  assert.equal(report.machine.deno, Deno.version.deno);
  assert.ok(!Number.isNaN(Date.parse(report.machine.date)));
  assert.match(formatTable(report), /\| matmul 128x784x256 \| ours cpu \(reference\) \| [\d.]+ \|/);

  const chart = benchChart(report, "conv fwd+bwd 5x5x32 on 28x28x1 b4");
  assert.match(chart.svg, /^<svg/);
  assert.match(chart.svg, /GFLOP\/s/);
  for (const r of report.rows.filter((r) => r.workload.startsWith("conv fwd+bwd"))) {
    assert.ok(chart.svg.includes(r.peer), `the chart names ${r.peer}, as a bar or as "cannot"`);
  }
  assert.throws(() => benchChart(report, "nope"), /no rows for workload "nope"/);
});

/** A peer that runs like `ours cpu` but as if on a software GPU, adding `error` to its results. */
function checkedPeer(error: number): Peer {
  const ours = oursPeer({ name: "ours cpu", backend: "cpu" });
  return {
    ...ours,
    name: `checked (${error})`,
    gpu: true,
    reference: "ours cpu",
    activate: async (o) => {
      await ours.activate(o);
      return { mode: "correctness-only", adapter: "a test adapter" };
    },
    prepare(w) {
      const step = ours.prepare(w);
      return { run: async () => (await step.run()) * (1 + error), dispose: () => step.dispose() };
    },
  };
}

Deno.test("bench: a correctness-only run is checked against the same library's cpu result", async () => {
  const peers = [
    oursPeer({ name: "ours cpu", backend: "cpu" }),
    checkedPeer(1e-5),
    checkedPeer(0.1),
  ];
  const report = await runBench({ peers, quick: true, only: ["matmul 128x784x256"] });
  const [cpu, close, wrong] = report.rows;
  assert.equal(cpu.status, "ok");
  assert.ok(cpu.checksum! > 0, "the timed row keeps its first run's checksum");
  assert.equal(close.status, "correctness-only");
  assert.match(close.reason!, /a test adapter.*matches ours cpu/);
  assert.equal(close.medianMs, null, "a correctness-only row has no time");
  assert.equal(close.ratioVsWasm, null);
  assert.equal(wrong.status, "cannot");
  assert.match(wrong.reason!, /wrong result on a test adapter/);
  assert.match(formatTable(report), /correctness-only: software adapter \(a test adapter\)/);
});

Deno.test("bench: our training step keeps liveTensors() flat across runs", async () => {
  const [mlp] = selectWorkloads({ quick: true, only: ["mlp step"] });
  const before = liveTensors().tensors;
  const step = oursPeer({ name: "ours", backend: "cpu" }).prepare(mlp);
  await step.run(); // makes Adam's moments
  const afterFirst = liveTensors().tensors;
  for (let i = 0; i < 2; i++) {
    await step.run();
    assert.equal(liveTensors().tensors, afterFirst, `run ${i + 2} made no new live tensors`);
  }
  step.dispose();
  assert.equal(liveTensors().tensors, before);
});

Deno.test("bench: timing takes the warm-up, then the policy's runs", async () => {
  let calls = 0;
  const quickRun = () => (calls++, Promise.resolve());
  const times = await timeRuns(quickRun, { minRuns: 3, minMs: 0, maxRuns: 5, maxMs: 1e9 });
  assert.equal(times.length, 3);
  assert.equal(calls, 4, "one warm-up and three timed runs");
  calls = 0;
  const slowRun = async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const slow = await timeRuns(slowRun, { minRuns: 3, minMs: 0, maxRuns: 5, maxMs: 1 });
  assert.equal(calls, 1, "a warm-up over the cap is not repeated");
  assert.equal(slow.length, 1);
  assert.ok(slow[0] >= 4);
});

Deno.test("bench: flags, and the median", () => {
  assert.deepEqual(parseArgs([]), {
    quick: false,
    only: [],
    peer: [],
    out: "_build/bench.json",
    softwareGpu: false,
  });
  assert.deepEqual(
    parseArgs([
      "--quick",
      "--only",
      "matmul",
      "--only",
      "cnn",
      "--out",
      "x.json",
      "--software-gpu",
      "--peer",
      "wasm",
    ]),
    { quick: true, only: ["matmul", "cnn"], peer: ["wasm"], out: "x.json", softwareGpu: true },
  );
  assert.throws(() => parseArgs(["--fast"]), /unknown argument --fast/);
  assert.throws(() => parseArgs(["--only"]), /--only needs a value/);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});
