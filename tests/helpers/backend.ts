/**
 * The backend the shared op suite runs on. The op tests (`tests/ops_*_test.ts` and the others that
 * import this module) never name a backend: they read every result with `await`, so the same
 * files run on `cpu` in the parallel run and on `webgpu` in the WebGPU run, which sets
 * `FDL_TEST_BACKEND=webgpu` (see `deno.json`). One file alone on the GPU:
 * `FDL_TEST_BACKEND=webgpu deno test -A tests/ops_matmul_test.ts`.
 *
 * @module
 */

import { getBackend, setBackend } from "../../lib/mod.ts";

/** The backend named by `FDL_TEST_BACKEND`, default `cpu`. */
export const SUITE_BACKEND = Deno.env.get("FDL_TEST_BACKEND") ?? "cpu";

await setBackend(SUITE_BACKEND);

// Every test starts on the suite's backend, whatever the test before it switched to: in the
// WebGPU process the GPU-only tests share the module graph, and a test that picks a backend
// (useBestBackend, say) must not move the op tests after it back to the cpu.
Deno.test.beforeEach(async () => {
  if (getBackend().name !== SUITE_BACKEND) await setBackend(SUITE_BACKEND);
});

/** Whether the suite's backend can hold float64 tensors (the GPU cannot: WGSL has no f64). */
export const HAS_FLOAT64 = getBackend().dtypes.includes("float64");

/**
 * Options for a test about float64 tensors themselves: on a backend without them it is reported as
 * ignored rather than left out, so the count of what did not run stays visible.
 */
export const FLOAT64_ONLY = { ignore: !HAS_FLOAT64 } as const;

/**
 * Switches to `name` for the length of `body`, then back to the backend that was active (the
 * suite's), so tests that compare backends leave the rest of the suite where it was.
 */
export async function onBackend<T>(name: string, body: () => Promise<T> | T): Promise<T> {
  const previous = getBackend().name;
  await setBackend(name);
  try {
    return await body();
  } finally {
    await setBackend(previous);
  }
}
