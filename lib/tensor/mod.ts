/**
 * Tensors: the class, element types, shapes, creation, the seeded generator and memory scopes.
 *
 * @module
 */

export { type DType, isFloat, type TypedArray } from "./dtype.ts";
export {
  arange,
  type CreateOptions,
  eye,
  fromArray,
  full,
  linspace,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  scalar,
  tensor,
  zeros,
  zerosLike,
} from "./creation.ts";
export { keep, liveTensors, type MemoryInfo, tidy } from "./memory.ts";
export { globalRng, Rng, seed } from "./random.ts";
export { formatShape, type Shape, sizeOf } from "./shape.ts";
export { type NestedArray, Tensor } from "./tensor.ts";
