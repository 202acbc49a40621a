/**
 * The CPU backend's heap and threads: size classes and block reuse, a training loop that stops
 * growing the memory, kernels that never copy tensors in or out, storage reclaimed after garbage
 * collection, the worker pool's task protocol, and the committed WASM builds being reproducible.
 */

import assert from "node:assert/strict";
import {
  Adam,
  assertThrowsWith,
  crossEntropy,
  Linear,
  randint,
  randn,
  ReLU,
  seed,
  Sequential,
  tidy,
} from "../lib/mod.ts";
import { heap, sizeClass } from "../lib/backend/wasm/heap.ts";
import { activeThreads, poolReady, runTasks, splitRange, wasm } from "../lib/backend/wasm/pool.ts";

Deno.test("heap: four size classes per power of two, 64-byte aligned blocks reused by class", () => {
  assert.equal(sizeClass(1), 64);
  assert.equal(sizeClass(64), 64);
  assert.equal(sizeClass(65), 128); // small classes step by the 64-byte alignment
  assert.equal(sizeClass(1000), 1024);
  assert.equal(sizeClass(1025), 1280);
  assert.equal(sizeClass(3 * 2 ** 20 + 1), 3.5 * 2 ** 20);
  for (const n of [1, 100, 4096, 12345, 2 ** 20 + 3]) {
    const c = sizeClass(n);
    assert.ok(c >= n && c <= Math.max(64, n * 1.25 + 64), `class of ${n} is ${c}`);
    assert.equal(c % 64, 0, `class of ${n} is not 64-byte aligned`);
  }
  const a = heap.alloc(1000);
  assert.equal(a % 64, 0);
  heap.free(a, 1000);
  // The freed block is the next one handed out for any request of its class.
  assert.equal(heap.alloc(1020), a);
  heap.free(a, 1020);
});

/** One Adam step of a small MLP on a fixed batch, reading nothing back. */
function mlpStep() {
  seed(3);
  const model = new Sequential(new Linear(30, 40), new ReLU(), new Linear(40, 5));
  // No NaN check: it reads each gradient's sum back, which this test counts as copies out.
  const opt = new Adam(model.parameters(), { checkFinite: false });
  const x = randn([17, 30]), y = randint(0, 5, [17]);
  const step = () =>
    tidy(() => {
      opt.zeroGrad();
      crossEntropy(model.forward(x), y).backward();
      opt.step();
    });
  const dispose = () => {
    opt.zeroGrad();
    opt.dispose();
    model.parameters().forEach((p) => p.dispose());
    x.dispose();
    y.dispose();
  };
  return { step, dispose };
}

Deno.test("heap: kernels read inputs and write outputs in place; a training loop stops growing", () => {
  const { step, dispose } = mlpStep();
  step(); // the first step allocates gradients and Adam's moments
  const copies = heap.copies();
  const stats = heap.stats();
  for (let i = 0; i < 5; i++) step();
  // Forward, backward and update ran with no tensor copied out or gathered from a view. The two
  // copies in per step are host data, not kernel traffic: the class ids (`arange`) that
  // crossEntropy checks the labels against and builds its one-hot mask from.
  assert.deepEqual(heap.copies(), { ...copies, uploads: copies.uploads + 2 * 5 });
  // Every block of later steps came from the free lists: the memory did not grow.
  assert.equal(heap.stats().bytesReserved, stats.bytesReserved);
  assert.equal(heap.stats().blocks, stats.blocks);
  dispose();
});

Deno.test("heap: reading a tensor is one counted copy out; making one is one copy in", () => {
  const before = heap.copies();
  const t = randn([3, 4]);
  t.dataSync();
  t.transpose().dataSync(); // a view reads the storage once and gathers on the host
  const after = heap.copies();
  assert.equal(after.uploads - before.uploads, 1);
  assert.equal(after.downloads - before.downloads, 2);
  t.dispose();
});

Deno.test("heap: a tensor dropped without dispose() gives its block back after garbage collection", async () => {
  // Needs --expose-gc, so it runs in a child process.
  const code = `
    import { randn, getBackend } from "${new URL("../lib/mod.ts", import.meta.url)}";
    import { heap } from "${new URL("../lib/backend/wasm/heap.ts", import.meta.url)}";
    const base = heap.stats().blocks;
    (() => { for (let i = 0; i < 100; i++) randn([256]); })();
    const made = heap.stats().blocks - base;
    for (let i = 0; i < 5 && heap.stats().reclaimed < 100; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    console.log(JSON.stringify({ made, ...heap.stats(), live: getBackend().memory().storages, base }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--expose-gc", code],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(out.success);
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(r.made, 100);
  assert.equal(r.reclaimed, 100);
  assert.equal(r.blocks, r.base);
});

Deno.test("heap: running out of memory says how much is live and what to do", () => {
  assertThrowsWith(() => heap.alloc(2 ** 32), "memory is full", "live tensors", "tidy()");
});

Deno.test("pool: many tasks over all threads write disjoint ranges exactly once", async () => {
  await poolReady; // so the job really is shared
  assert.equal(activeThreads(), navigator.hardwareConcurrency);
  const n = 100_003;
  const address = heap.alloc(n * 4);
  const view = new Float32Array(heap.buffer, address, n);
  view.fill(-1);
  const ranges = splitRange(n, 1000, 16);
  assert.ok(ranges.length > 1 || activeThreads() === 1);
  assert.equal(ranges[0][0], 0);
  assert.equal(ranges.at(-1)![1], n);
  for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i][0], ranges[i - 1][1]);
  for (let job = 0; job < 200; job++) {
    runTasks("memory", "fill_f32", ranges.map(([s, e]) => [address + 4 * s, e - s, job]));
    if (job % 50 === 0) assert.ok(view.every((v) => v === job), `job ${job} left stale values`);
  }
  assert.ok(view.every((v) => v === 199));
  heap.free(address, n * 4);
  assert.ok(typeof wasm.memory.fill_f32 === "function");
});

Deno.test("pool: FDL_THREADS picks the thread count; a bad value is a clear error", async () => {
  const run = async (value: string) => {
    const code = `import { threadCount } from "${new URL(
      "../lib/backend/wasm/pool.ts",
      import.meta.url,
    )}"; console.log(threadCount());`;
    return await new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      env: { FDL_THREADS: value },
      stdout: "piped",
      stderr: "piped",
    }).output();
  };
  const one = await run("1");
  assert.equal(new TextDecoder().decode(one.stdout).trim(), "1");
  const bad = await run("lots");
  assert.ok(!bad.success);
  assert.match(new TextDecoder().decode(bad.stderr), /FDL_THREADS must be a positive integer/);
});

Deno.test("wasm: the committed modules are exactly what `deno task wasm` builds from assembly/", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../scripts/build_wasm.ts", import.meta.url).pathname, "--check"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
});
