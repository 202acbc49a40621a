/**
 * Reverse-mode sweep: from a scalar (or a seeded tensor) back through the recorded graph, summing
 * the gradient contributions of every path into each tensor.
 *
 * @module
 */

import { getBackend, runKernel } from "../backend/registry.ts";
import { keep, tidy } from "../tensor/memory.ts";
import { formatShape, shapesEqual } from "../tensor/shape.ts";
import { type Tensor, viewOf, wrapStorage } from "../tensor/tensor.ts";
import { noGrad } from "./graph.ts";

/** Tensors reachable from `root` through recorded ops, each after all tensors it depends on. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>([root]);
  // Iterative DFS: deep graphs (long unrolled sequences) would overflow a recursive one.
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, next] = top;
    const inputs = t.gradNode?.inputs ?? [];
    if (next < inputs.length) {
      top[1]++;
      const child = inputs[next];
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

function addTensors(a: Tensor, b: Tensor): Tensor {
  return wrapStorage(runKernel("binary", "add", a, b).storage, getBackend(), a.shape);
}

/** A new tensor shaped like `t` with every element `value`. */
export function filledLike(t: Tensor, value: number): Tensor {
  return wrapStorage(runKernel("fill", t.shape, value, t.dtype).storage, getBackend(), t.shape);
}

/**
 * Runs the reverse sweep from `root` seeded with `seed` (ones when omitted) and returns each reached
 * leaf's total gradient. Leaves are tensors that require grad and have no recorded op. Intermediate
 * gradients are freed; the returned ones belong to the caller's scope.
 */
export function propagate(root: Tensor, seed?: Tensor): Map<Tensor, Tensor> {
  if (!root.requiresGrad) {
    throw new Error(
      "backward: this tensor does not require grad. Set requiresGrad on the inputs you want " +
        "gradients for (e.g. tensor(x, { requiresGrad: true })), and do not compute it inside noGrad().",
    );
  }
  if (seed && !shapesEqual(seed.shape, root.shape)) {
    throw new Error(
      `backward: the seed gradient has shape ${formatShape(seed.shape)} but the tensor has shape ` +
        `${formatShape(root.shape)}; they must match`,
    );
  }
  if (!seed && root.size !== 1) {
    throw new Error(
      `backward: the tensor has shape ${formatShape(root.shape)}; backward() without an argument ` +
        "needs a single-element loss. Reduce it (e.g. loss.mean()) or pass a gradient of that shape.",
    );
  }
  const leaves = new Map<Tensor, Tensor>();
  noGrad(() =>
    tidy(() => {
      const grads = new Map<Tensor, Tensor>([[root, seed ?? filledLike(root, 1)]]);
      const order = topologicalOrder(root);
      for (let i = order.length - 1; i >= 0; i--) {
        const t = order[i];
        const g = grads.get(t);
        if (!g) continue;
        const node = t.gradNode;
        if (!node) {
          // A fresh view, so two leaves never share one tensor object for their gradients.
          leaves.set(t, viewOf(g, g.shape, g.strides, g.offset, "backward"));
          continue;
        }
        const needs = node.inputs.map((x) => x.requiresGrad);
        let parts: readonly (Tensor | null)[];
        try {
          parts = node.backward(g, needs);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          // The usual cause: the loss was returned from a tidy() that freed what the rule needs.
          const hint = message.includes("was disposed")
            ? " The gradient rule needs values saved by the forward pass: call backward() inside " +
              "the tidy() that computed the loss."
            : "";
          throw new Error(`backward through '${node.op}': ${message}${hint}`, { cause: err });
        }
        node.inputs.forEach((input, k) => {
          const part = parts[k];
          if (!needs[k] || !part) return;
          if (!shapesEqual(part.shape, input.shape)) {
            throw new Error(
              `backward through '${node.op}': gradient rule gave shape ${
                formatShape(part.shape)
              } ` +
                `for an input of shape ${formatShape(input.shape)} (a bug in the op's rule)`,
            );
          }
          const previous = grads.get(input);
          grads.set(input, previous ? addTensors(previous, part) : part);
        });
      }
      // Returning the leaf gradients carries them out of the scope; everything else is freed.
      return [...leaves.values()];
    })
  );
  return leaves;
}

/**
 * Computes gradients of `root` and accumulates them into the `.grad` of every leaf that requires
 * grad, PyTorch style: a second call adds to the first unless gradients are zeroed in between.
 */
export function backward(root: Tensor, seed?: Tensor): void {
  for (const [leaf, g] of propagate(root, seed)) {
    keep(g);
    if (!leaf.grad) {
      leaf.grad = g;
      continue;
    }
    const sum = keep(noGrad(() => addTensors(leaf.grad!, g)));
    leaf.grad.dispose();
    g.dispose();
    leaf.grad = sum;
  }
}

/** Disposes and clears the `.grad` of each tensor. */
export function zeroGrad(tensors: Iterable<Tensor>): void {
  for (const t of tensors) {
    t.grad?.dispose();
    t.grad = null;
  }
}
