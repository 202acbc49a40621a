/**
 * Changing the element type.
 *
 * @module
 */

import { record } from "../autograd/graph.ts";
import { runKernel } from "../backend/registry.ts";
import { assertDType, type DType, isFloat } from "../tensor/dtype.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { asTensor, fromKernel, type TensorLike } from "./convert.ts";

/**
 * The same values as `dtype`; float to int32 truncates toward zero. Between float types the gradient
 * is cast back; into int32 there is none.
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = asTensor("cast", x);
  assertDType(dtype, "cast");
  if (t.dtype === dtype) return t;
  const out = fromKernel(runKernel("cast", t, dtype));
  if (!isFloat(dtype)) return out;
  return record("cast", [t], out, (g) => [cast(g, t.dtype)]);
}

/** Cast to float32. */
export function toFloat(x: TensorLike): Tensor {
  return cast(x, "float32");
}

/** Cast to int32 (truncating toward zero). */
export function toInt(x: TensorLike): Tensor {
  return cast(x, "int32");
}
