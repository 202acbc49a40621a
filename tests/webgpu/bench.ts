/**
 * The bench's GPU rows on this machine's software adapter: each workload runs once on webgpu, for
 * our library and for tfjs, and is checked against the same library's cpu result instead of
 * being timed (llvmpipe's times would measure the CPU rasterizer).
 */

import assert from "node:assert/strict";
import { isFallbackAdapter } from "../../lib/backend/webgpu/device.ts";
import { defaultPeers } from "../../scripts/bench/peers.ts";
import { type BenchReport, formatTable } from "../../scripts/bench/report.ts";
import { runBench } from "../../scripts/bench/run.ts";
import { tf } from "../helpers/tfjs.ts";

Deno.test("bench: webgpu rows, ours and tfjs's, are checked against their cpu rows", async () => {
  const adapter = await navigator.gpu.requestAdapter();
  const software = adapter !== null && isFallbackAdapter(adapter);
  const wanted = ["ours cpu", "ours webgpu", "tfjs cpu", "tfjs webgpu"];
  const peers = defaultPeers().filter((p) => wanted.includes(p.name));
  let report: BenchReport;
  try {
    report = await runBench({ peers, quick: true, only: ["matmul 128x784x256", "mlp step"] });
  } finally {
    // The tfjs peers switch tfjs's one global backend; the op suite compares against its cpu.
    await tf.setBackend("cpu");
  }
  for (const r of report.rows.filter((r) => r.peer.endsWith("webgpu"))) {
    const what = `${r.workload} on ${r.peer}`;
    if (software) {
      assert.equal(r.status, "correctness-only", `${what}: ${r.reason}`);
      assert.match(r.reason!, /matches (ours|tfjs) cpu/, what);
    } else {
      assert.equal(r.status, "ok", `${what}: ${r.reason}`);
    }
  }
  assert.match(formatTable(report), /ours webgpu/);
  for (const peer of ["ours webgpu", "tfjs webgpu"]) {
    const note = report.notes.find((n) => n.startsWith(peer));
    assert.ok(note?.includes("adapter "), `the notes name ${peer}'s adapter: ${note}`);
  }
});
