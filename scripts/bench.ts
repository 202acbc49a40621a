/**
 * `deno task bench`: races our library against TensorFlow.js (cpu, wasm, webgpu) on matmuls, convs
 * and two training steps, prints a table and writes `_build/bench.json` (issue 5).
 *
 * Usage: `deno task bench [--quick] [--only <substring>]... [--peer <substring>]... [--out <path>]
 * [--software-gpu]`. Ratios need the tfjs-wasm peer in the run.
 *
 * @module
 */

import { dirname } from "node:path";
import { parseArgs } from "./bench/args.ts";
import { defaultPeers } from "./bench/peers.ts";
import { formatTable } from "./bench/report.ts";
import { runBench } from "./bench/run.ts";

if (import.meta.main) {
  let args;
  try {
    args = parseArgs(Deno.args);
  } catch (e) {
    console.error((e as Error).message);
    Deno.exit(2);
  }
  const report = await runBench({
    ...args,
    peers: defaultPeers().filter((p) =>
      args.peer.length === 0 || args.peer.some((s) => p.name.includes(s))
    ),
    log: (line) => console.error(line),
  });
  await Deno.mkdir(dirname(args.out), { recursive: true });
  await Deno.writeTextFile(args.out, JSON.stringify(report, null, 2) + "\n");
  console.log(formatTable(report));
  console.log(`\nwritten to ${args.out}`);
}
