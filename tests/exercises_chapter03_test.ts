/**
 * Chapter 3's exercise checks: the solutions pass, typical wrong answers fail with a reason that
 * helps, and the checks print and never throw.
 */

import assert from "node:assert/strict";
import { chapter03 } from "../lib/exercises/mod.ts";
import { assertNotYet, printed } from "./helpers/exercises.ts";
import { crossEntropy, Linear, logSoftmax, Module, oneHot, type Tensor } from "../lib/mod.ts";

/** log p(yᵢ | xᵢ) for each row, from the stable logSoftmax. */
const trueLogP = (logits: Tensor, labels: Tensor) =>
  logSoftmax(logits).mul(oneHot(labels, logits.shape[1])).sum(-1);

Deno.test("chapter 3: the solutions pass", () => {
  const { grade, solutions } = chapter03;
  const one = grade.exercise1(solutions.exercise1);
  const two = grade.exercise2(solutions.exercise2);
  assert.ok(one.ok, one.message);
  assert.ok(two.ok, two.message);
  assert.match(two.message, /one encoder \(encoder\.weight\)/);
});

Deno.test("chapter 3, exercise 1: other right losses pass", () => {
  const { grade } = chapter03;
  // The library's own loss, and the same value through logSumExp: log p = z − log Σ exp(z).
  assert.ok(grade.exercise1((z, y) => crossEntropy(z, y)).ok);
  assert.ok(
    grade.exercise1((z, y) => z.mul(oneHot(y, 10)).sum(-1).sub(z.logSumExp(-1)).mean().neg()).ok,
  );
});

Deno.test("chapter 3, exercise 1: wrong cross-entropies fail and say why", () => {
  const { grade } = chapter03;
  // The notebook's placeholder: a generic message with both values and the formula.
  assertNotYet(
    grade.exercise1((z) => z.softmax().mean()),
    "your loss is 0.1",
    "mean cross-entropy is",
    "logSoftmax",
  );
  assertNotYet(grade.exercise1((z, y) => trueLogP(z, y).sum().neg()), "sum over the batch");
  assertNotYet(grade.exercise1((z, y) => trueLogP(z, y).mean()), "negative of the cross-entropy");
  assertNotYet(
    grade.exercise1((z, y) => logSoftmax(z).mul(oneHot(y, 10)).mean().neg()),
    "N × C entries",
  );
  assertNotYet(grade.exercise1((z) => logSoftmax(z).sum(-1).mean().neg()), "all classes");
  assertNotYet(
    grade.exercise1((z, y) => z.softmax().mul(oneHot(y, 10)).sum(-1).mean().neg()),
    "logarithms",
  );
  // Right on ordinary logits, infinite on large ones: the naive log of the softmax.
  assertNotYet(
    grade.exercise1((z, y) => z.softmax().log().mul(oneHot(y, 10)).sum(-1).mean().neg()),
    "right on ordinary logits",
    "underflows",
  );
  assertNotYet(grade.exercise1((z, y) => trueLogP(z, y).neg()), "one loss per example");
  assertNotYet(grade.exercise1(() => 0.5 as unknown as Tensor), "not a tensor");
  assertNotYet(
    grade.exercise1(() => {
      throw new Error("not written yet");
    }),
    "threw",
    "not written yet",
  );
});

/** A module with one shared encoder, whose forward is `distance(firstCode, secondCode)`. */
function siamese(
  distance: (a: Tensor, b: Tensor) => Tensor,
  options: { relu?: boolean; secondOffset?: number } = {},
): () => Module {
  const { relu = true, secondOffset = 784 } = options;
  class Candidate extends Module {
    readonly encoder = this.registerModule("encoder", new Linear(784, 32));
    forward(x: Tensor): Tensor {
      const code = (offset: number) => {
        const z = this.encoder.forward(x.slice([0, offset], [-1, 784]));
        return relu ? z.relu() : z;
      };
      return distance(code(0), code(secondOffset));
    }
  }
  return () => new Candidate();
}

const squared = (a: Tensor, b: Tensor) => a.sub(b).square().sum(-1);

Deno.test("chapter 3, exercise 2: wrong Siamese modules fail and say why", () => {
  const { grade } = chapter03;
  // The notebook's placeholder: two encoders, nothing shared.
  class TwoEncoders extends Module {
    readonly encoderA = this.registerModule("encoder_a", new Linear(784, 32));
    readonly encoderB = this.registerModule("encoder_b", new Linear(784, 32));
    forward(x: Tensor): Tensor {
      const a = this.encoderA.forward(x.slice([0, 0], [-1, 784])).relu();
      const b = this.encoderB.forward(x.slice([0, 784], [-1, 784])).relu();
      return squared(a, b);
    }
  }
  assertNotYet(
    grade.exercise2(() => new TwoEncoders()),
    "2 separate encoder weights",
    "encoder_a.weight, encoder_b.weight",
    "call it on both halves",
  );
  // An encoder kept in a field but never registered: the module has no parameters.
  class Unregistered extends Module {
    readonly encoder = new Linear(784, 32);
    forward(x: Tensor): Tensor {
      return squared(this.encoder.forward(x.slice([0, 0], [-1, 784])), x.slice([0, 784], [-1, 32]));
    }
  }
  assertNotYet(grade.exercise2(() => new Unregistered()), "no [784, 32] weight", "registerModule");
  assertNotYet(grade.exercise2(siamese((a, b) => a.sub(b).square())), "[N, 32]", "sum them");
  assertNotYet(grade.exercise2(siamese((a, b) => squared(a, b).sqrt())), "drop the sqrt");
  assertNotYet(grade.exercise2(siamese(squared, { relu: false })), "apply the ReLU");
  assertNotYet(grade.exercise2(siamese(squared, { secondOffset: 0 })), "every distance is 0");
  assertNotYet(
    grade.exercise2(siamese((a, b) => squared(a, b).reshape([-1, 1]))),
    "shape [5, 1]",
    "shape [5]",
  );
  assertNotYet(grade.exercise2(siamese((a, b) => squared(a, b).mul(2))), "for the first pair");
  assertNotYet(grade.exercise2(() => ({}) as Module), "return a module");
  assertNotYet(
    grade.exercise2(() => {
      throw new Error("not built yet");
    }),
    "building your module threw",
    "not built yet",
  );
  assertNotYet(grade.exercise2("model" as unknown as () => Module), "got string");
});

Deno.test("chapter 3: the checks print the verdict and never throw", () => {
  const { check, solutions } = chapter03;
  assert.match(printed(() => check.exercise1(solutions.exercise1))[0], /^✓ right: /);
  assert.match(
    printed(() =>
      check.exercise1(() => {
        throw new Error("boom");
      })
    )[0],
    /^✗ not yet: .*boom/,
  );
  assert.match(printed(() => check.exercise2(solutions.exercise2))[0], /^✓ right: /);
  assert.match(printed(() => check.exercise2(() => null as unknown as Module))[0], /^✗ not yet: /);
});
