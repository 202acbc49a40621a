/**
 * The webgpu backend's device handling: automatic choice between webgpu and cpu, a lost device, and
 * a runtime without WebGPU. The last two break the process's GPU for good, so they run in children.
 */

import assert from "node:assert/strict";
import { backendName, fromArray, useBestBackend } from "../../lib/mod.ts";
import { gpuRuntime, WORKGROUP } from "../../lib/backend/webgpu/runtime.ts";
import { onBackend } from "../helpers/backend.ts";
import { isFallbackAdapter } from "../../lib/backend/webgpu/device.ts";

/**
 * Runs `code` in a child process, with LIB standing for the library's entry, LIB_TRAIN for the
 * trainer's and RUNTIME for the webgpu runtime module; returns whether it succeeded and its output.
 */
async function child(code: string): Promise<{ ok: boolean; text: string }> {
  const lib = new URL("../../lib/mod.ts", import.meta.url).href;
  const runtime = new URL("../../lib/backend/webgpu/runtime.ts", import.meta.url).href;
  const train = new URL("../../lib/train/mod.ts", import.meta.url).href;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      code.replaceAll("LIB_TRAIN", train).replaceAll("LIB", lib).replaceAll("RUNTIME", runtime),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { ok: out.success, text: decode(out.stdout) + decode(out.stderr) };
}

Deno.test("webgpu: useBestBackend picks webgpu only on a hardware adapter", async () => {
  const adapter = await navigator.gpu?.requestAdapter();
  const report = await useBestBackend();
  const hardware = adapter !== null && adapter !== undefined && !isFallbackAdapter(adapter);
  assert.equal(report.name, hardware ? "webgpu" : "cpu");
  assert.equal(backendName(), report.name);
});

Deno.test("webgpu: a lost device makes the next op say so and how to go on", async () => {
  const r = await child(`
    import { setBackend, tensor } from "LIB";
    import { gpuRuntime } from "RUNTIME";
    await setBackend("webgpu");
    const t = tensor([1, 2, 3]);
    gpuRuntime().gpu.device.destroy();
    await new Promise((r) => setTimeout(r, 100)); // the lost promise settles
    try { t.add(1); console.log("no error"); } catch (e) { console.log(e.message); }
  `);
  assert.ok(r.ok, r.text);
  assert.match(r.text, /the GPU device was lost/);
  assert.match(r.text, /setBackend\('cpu'\)/);
  assert.match(r.text, /last checkpoint/);
});

Deno.test("webgpu: a run that loses the device keeps its last checkpoint, loadable on the cpu", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/model.safetensors`;
  const r = await child(`
    import { Linear, loadModule, mse, Sequential, setBackend, SGD, tensor } from "LIB";
    import { fit } from "LIB_TRAIN";
    import { gpuRuntime } from "RUNTIME";
    await setBackend("webgpu");
    const model = new Sequential(new Linear(2, 1));
    const batches = {
      length: 3,
      *[Symbol.iterator]() {
        for (let b = 0; b < 3; b++) yield { x: tensor([[b, 1], [1, -b]]), y: tensor([[1], [2]]) };
      },
    };
    let saved = [];
    try {
      await fit(model, { train: batches }, {
        epochs: 3, optimizer: new SGD(model.parameters(), { lr: 0.05 }), loss: mse,
        checkpoint: ${JSON.stringify(path)}, progress: false,
        onEpochEnd: async (record) => {
          saved = (await Promise.all(model.parameters().map((p) => p.data())))
            .flatMap((v) => Array.from(v));
          gpuRuntime().gpu.device.destroy();
          await new Promise((r) => setTimeout(r, 100)); // the lost promise settles
        },
      });
      console.log("no error");
    } catch (e) {
      console.log(JSON.stringify({ message: e.message, checkpoint: e.checkpoint }));
      await setBackend("cpu");
      await loadModule(model, ${JSON.stringify(path)});
      const weights = model.parameters().flatMap((p) => Array.from(p.dataSync()));
      const y = model.forward(tensor([[1, 1]])).dataSync()[0];
      console.log(JSON.stringify({ weights, saved, y }));
    }
  `);
  await Deno.remove(dir, { recursive: true });
  assert.ok(r.ok, r.text);
  const [failure, after] = r.text.trim().split("\n").slice(-2).map((l) => JSON.parse(l));
  assert.match(failure.message, /epoch 2, step 1 of 3/);
  assert.match(failure.message, /the GPU device was lost/);
  assert.match(failure.message, /setBackend\('cpu'\)/);
  assert.ok(failure.message.includes(`saved in ${path}`), failure.message);
  assert.deepEqual(failure.checkpoint, { path, epoch: 1 });
  assert.deepEqual(after.weights, after.saved, "the file holds epoch 1's weights");
  assert.ok(Number.isFinite(after.y), "the reloaded model runs on the cpu");
});

Deno.test("webgpu: without navigator.gpu, setBackend says to use the cpu", async () => {
  const r = await child(`
    Object.defineProperty(navigator, "gpu", { value: undefined });
    const { setBackend } = await import("LIB");
    try { await setBackend("webgpu"); console.log("no error"); } catch (e) { console.log(e.message); }
  `);
  assert.ok(r.ok, r.text);
  assert.match(r.text, /WebGPU is not available/);
  assert.match(r.text, /setBackend\('cpu'\)/);
});

Deno.test("webgpu: a kernel that fails validation is reported at the next read", async () => {
  const r = await child(`
    import { setBackend, tensor } from "LIB";
    import { gpuRuntime } from "RUNTIME";
    await setBackend("webgpu");
    const t = tensor([1, 2, 3]);
    const rt = gpuRuntime();
    rt.run("this is not WGSL", [], [], 1);
    try { await t.data(); console.log("no error"); } catch (e) { console.log(e.message); }
  `);
  assert.ok(r.ok, r.text);
  assert.match(r.text, /a webgpu kernel failed/);
  assert.match(r.text, /library bug/);
});

Deno.test("webgpu: past 65,535 workgroups a dispatch uses a 2-D grid and covers every element", async () => {
  await onBackend("webgpu", async () => {
    const limit = gpuRuntime().gpu.device.limits.maxComputeWorkgroupsPerDimension;
    const n = limit * WORKGROUP + 3 * WORKGROUP + 5; // a few workgroups into the grid's second row
    const x = fromArray(Int32Array.from({ length: n }, (_, i) => i % 1000), [n], {
      dtype: "int32",
    });
    const y = x.add(1);
    const got = await y.data();
    let wrong = 0;
    for (let i = 0; i < n; i++) if (got[i] !== (i % 1000) + 1) wrong++;
    assert.equal(wrong, 0, `${wrong} of ${n} elements wrong`);
    x.dispose();
    y.dispose();
  });
});
