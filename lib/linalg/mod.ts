/**
 * Dense linear algebra on small matrices, in float64 on the host: the eigendecomposition of a
 * symmetric matrix (Jacobi's method), and the Hessian of a scalar function of a tensor, by central
 * differences of our reverse-mode gradients.
 *
 * @example
 * ```ts
 * import { hessian, symmetricEigen, type Tensor, tensor } from "./lib/mod.ts";
 * const saddle = (p: Tensor) => p.square().mul(tensor([1, -1])).sum(); // x² − y²
 * const { values } = symmetricEigen(hessian(saddle, [0, 0])); // [-2, 2]: one direction curves down
 * ```
 *
 * @module
 */

export { hessian, type HessianOptions } from "./hessian.ts";
export {
  type EigenDecomposition,
  type MatrixLike,
  symmetricEigen,
  type SymmetricEigenOptions,
} from "./symmetric_eigen.ts";
