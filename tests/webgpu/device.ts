/**
 * The webgpu backend's device handling: automatic choice between webgpu and cpu, a lost device, and
 * a runtime without WebGPU. The last two break the process's GPU for good, so they run in children.
 */

import assert from "node:assert/strict";
import { backendName, useBestBackend } from "../../lib/mod.ts";
import { isFallbackAdapter } from "../../lib/backend/webgpu/device.ts";

/**
 * Runs `code` in a child process, with LIB standing for the library's entry and RUNTIME for the
 * webgpu runtime module; returns whether it succeeded and its output.
 */
async function child(code: string): Promise<{ ok: boolean; text: string }> {
  const lib = new URL("../../lib/mod.ts", import.meta.url).href;
  const runtime = new URL("../../lib/backend/webgpu/runtime.ts", import.meta.url).href;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code.replaceAll("LIB", lib).replaceAll("RUNTIME", runtime)],
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
