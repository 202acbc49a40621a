/**
 * Instantiates every WASM kernel module on one memory. Used by the main thread (on the heap's
 * memory) and by each worker thread (on the same memory, received from the main thread).
 *
 * @module
 */

import { MODULE_SOURCES } from "./modules.ts";

/** A kernel entry point: numeric arguments (addresses, sizes, scalars), no result. */
export type WasmFunction = (...args: number[]) => void;

/** Which build of the modules runs: relaxed SIMD (fused multiply-add) or plain SIMD. */
export type SimdVariant = "relaxed" | "simd";

/** Every module's exported functions, by module name then function name. */
export type WasmModules = Readonly<Record<string, Readonly<Record<string, WasmFunction>>>>;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/**
 * The build to use: relaxed SIMD when this runtime validates it, unless `FDL_WASM_SIMD=plain` asks
 * for plain SIMD (to compare the two, or to rule fused multiply-add out when results differ).
 */
export function chooseVariant(): SimdVariant {
  let wanted: string | undefined;
  try {
    wanted = Deno.env.get("FDL_WASM_SIMD");
  } catch {
    wanted = undefined; // no env permission: use the default
  }
  if (wanted === "plain") return "simd";
  const ok = Object.values(MODULE_SOURCES).every((m) => WebAssembly.validate(decode(m.relaxed)));
  return ok ? "relaxed" : "simd";
}

/** Instantiates all modules of `variant` on `memory`, synchronously. */
export function instantiateAll(memory: WebAssembly.Memory, variant: SimdVariant): WasmModules {
  const out: Record<string, Record<string, WasmFunction>> = {};
  for (const [name, source] of Object.entries(MODULE_SOURCES)) {
    const module = new WebAssembly.Module(decode(source[variant]));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const fns: Record<string, WasmFunction> = {};
    for (const e of WebAssembly.Module.exports(module)) {
      if (e.kind === "function") fns[e.name] = instance.exports[e.name] as WasmFunction;
    }
    out[name] = fns;
  }
  return out;
}

/** Every (module, function) pair in a fixed order, so threads can name a function by index. */
export function functionTable(modules: WasmModules): WasmFunction[] {
  return Object.keys(modules).sort().flatMap((m) =>
    Object.keys(modules[m]).sort().map((f) => modules[m][f])
  );
}

/** The index of `module.fn` in {@link functionTable}. */
export function functionIndex(modules: WasmModules, module: string, fn: string): number {
  let index = 0;
  for (const m of Object.keys(modules).sort()) {
    for (const f of Object.keys(modules[m]).sort()) {
      if (m === module && f === fn) return index;
      index++;
    }
  }
  throw new Error(`no WASM kernel ${module}.${fn}; run \`deno task wasm\` after editing assembly/`);
}
