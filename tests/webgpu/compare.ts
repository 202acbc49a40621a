/**
 * Running the same computation on `cpu` and on `webgpu` (llvmpipe here) and comparing: tensors
 * cannot cross backends, so inputs travel as host arrays and results come back with `await data()`.
 *
 * @module
 */

import { assertClose, type CloseOptions, type Tensor, tensor } from "../../lib/mod.ts";
import { onBackend } from "../helpers/backend.ts";
import type { DType } from "../../lib/tensor/dtype.ts";

/** A host-side tensor description that each backend turns into its own tensor. */
export interface HostTensor {
  readonly values: readonly number[];
  readonly shape: readonly number[];
  readonly dtype?: DType;
}

/** Makes the backend's tensor of a host description. */
export function make(h: HostTensor): Tensor {
  return tensor(h.values as number[], { dtype: h.dtype ?? "float32" }).reshape([...h.shape]);
}

/**
 * Runs `compute` on cpu and on webgpu with the same host inputs, and asserts the results are close
 * (float32 tolerances by default). Leaves the backend that was active.
 */
export async function assertSameOnGpu(
  inputs: readonly HostTensor[],
  compute: (...xs: Tensor[]) => Tensor | Tensor[],
  what: string,
  options: CloseOptions = { rtol: 1e-5, atol: 1e-6 },
): Promise<void> {
  const run = async () => {
    const outs = compute(...inputs.map(make));
    const list = Array.isArray(outs) ? outs : [outs];
    return await Promise.all(list.map(async (t) => ({ shape: t.shape, values: await t.data() })));
  };
  const want = await onBackend("cpu", run);
  const got = await onBackend("webgpu", run);
  want.forEach((w, k) => {
    const g = got[k];
    if (g.shape.join() !== w.shape.join()) {
      throw new Error(`${what}: output ${k} has shape [${g.shape}] on webgpu, [${w.shape}] on cpu`);
    }
    assertClose(Array.from(g.values), Array.from(w.values), { ...options, message: what });
  });
}
