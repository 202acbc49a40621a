/**
 * Paths between two latent codes: straight lines, and great-circle arcs (spherical linear
 * interpolation), which keep the norm that codes drawn from a high-dimensional Gaussian have.
 *
 * @module
 */

import { fromArray } from "../tensor/creation.ts";
import { Tensor } from "../tensor/tensor.ts";

/** How a path between two codes is drawn. */
export type LatentPathKind = "linear" | "spherical";

/**
 * Spherical linear interpolation (Shoemake, 1985) between vectors a and b at t ∈ [0, 1]:
 * sin((1 − t)θ)/sin θ · a + sin(tθ)/sin θ · b, with θ the angle between a and b. When a and b have
 * the same norm, every point of the path has it too. For (nearly) parallel vectors it falls back to
 * the straight line, which is then the same path.
 *
 * @throws when a and b differ in length, are empty, or either is all zeros.
 */
export function slerp(a: readonly number[], b: readonly number[], t: number): number[] {
  if (a.length !== b.length || a.length === 0) {
    throw new Error(
      `slerp: a and b must be non-empty and equally long, got ${a.length} and ${b.length}`,
    );
  }
  const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const na = norm(a), nb = norm(b);
  if (!(na > 0 && nb > 0)) throw new Error("slerp: a zero vector has no direction");
  const cos = Math.min(1, Math.max(-1, a.reduce((s, x, i) => s + x * b[i], 0) / (na * nb)));
  const theta = Math.acos(cos);
  if (Math.sin(theta) < 1e-6) return a.map((x, i) => (1 - t) * x + t * b[i]);
  const wa = Math.sin((1 - t) * theta) / Math.sin(theta);
  const wb = Math.sin(t * theta) / Math.sin(theta);
  return a.map((x, i) => wa * x + wb * b[i]);
}

/**
 * `steps` codes evenly spaced along the path from code a to code b (both included), as a matrix
 * [steps, D] ready for a decoder or generator.
 *
 * @param a the first code: a tensor [D] or [1, D], or D numbers
 * @param b the last code, the same size
 * @param steps at least 2
 * @param kind "linear" (a straight line) or "spherical" ({@link slerp})
 */
export function latentPath(
  a: Tensor | readonly number[],
  b: Tensor | readonly number[],
  steps: number,
  kind: LatentPathKind = "linear",
): Tensor {
  const va = codeOf("a", a), vb = codeOf("b", b);
  if (va.length !== vb.length) {
    throw new Error(`latentPath: a has ${va.length} numbers, b has ${vb.length}`);
  }
  if (!(Number.isInteger(steps) && steps >= 2)) {
    throw new Error(`latentPath: steps must be an integer ≥ 2, got ${steps}`);
  }
  if (kind !== "linear" && kind !== "spherical") {
    throw new Error(`latentPath: kind must be "linear" or "spherical", got ${kind}`);
  }
  const rows = Array.from({ length: steps }, (_, s) => {
    const t = s / (steps - 1);
    return kind === "linear" ? va.map((x, i) => (1 - t) * x + t * vb[i]) : slerp(va, vb, t);
  });
  return fromArray(Float32Array.from(rows.flat()), [steps, va.length]);
}

/** A code as numbers, from a tensor [D] or [1, D] or a list. */
function codeOf(name: string, v: Tensor | readonly number[]): number[] {
  if (v instanceof Tensor) {
    const ok = v.rank === 1 || (v.rank === 2 && v.shape[0] === 1);
    if (!ok) {
      throw new Error(
        `latentPath: ${name} must be one code, [D] or [1, D], got [${v.shape.join(", ")}]`,
      );
    }
    return Array.from(v.dataSync());
  }
  if (!Array.isArray(v)) throw new Error(`latentPath: ${name} must be a tensor or an array`);
  return [...v];
}
