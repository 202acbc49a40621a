/**
 * Every WASM kernel module, as built by `deno task wasm` from `assembly/<name>.ts`. The main thread
 * and each worker thread instantiate all of them on the shared heap memory.
 *
 * @module
 */

import * as conv from "./generated/conv.ts";
import * as elementwise from "./generated/elementwise.ts";
import * as gemm from "./generated/gemm.ts";
import * as memory from "./generated/memory.ts";
import * as optimizer from "./generated/optimizer.ts";
import * as pool from "./generated/pool.ts";
import * as reduce from "./generated/reduce.ts";

/** One module's two builds, base64: plain SIMD, and relaxed SIMD (fused multiply-add). */
export interface ModuleSource {
  /** Built with `simd`. */
  readonly simd: string;
  /** Built with `simd` and `relaxed-simd`. */
  readonly relaxed: string;
}

/** The modules by name. Add a module here after adding its `assembly/` entry file. */
export const MODULE_SOURCES: Readonly<Record<string, ModuleSource>> = {
  conv,
  elementwise,
  gemm,
  memory,
  pool,
  optimizer,
  reduce,
};
