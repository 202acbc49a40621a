/**
 * Learning-rate schedules: values at known steps, the warmup ramp and its hand-over, applying a
 * schedule to an optimizer, and the error messages.
 */

import assert from "node:assert/strict";
import { assertClose, assertThrowsWith, tensor } from "../lib/mod.ts";
import {
  Adam,
  applySchedule,
  constantLr,
  cosineAnnealing,
  exponentialDecay,
  linearWarmup,
  type Schedule,
  stepDecay,
} from "../lib/optim/mod.ts";

/** The schedule's rates for t = 0 … n − 1. */
function rates(schedule: Schedule, n: number): number[] {
  return Array.from({ length: n }, (_, t) => schedule(t));
}

Deno.test("constantLr and stepDecay", () => {
  assert.deepEqual(rates(constantLr(0.3), 3), [0.3, 0.3, 0.3]);
  const s = stepDecay(0.1, 3, 0.5); // halves every 3 steps
  assertClose(rates(s, 7), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025], { rtol: 1e-15 });
  assertClose(stepDecay(1, 30)(65), 0.01, { rtol: 1e-12 }); // γ defaults to 0.1; ⌊65/30⌋ = 2
});

Deno.test("exponentialDecay: lr·γᵗ", () => {
  const s = exponentialDecay(0.2, 0.9);
  assertClose(rates(s, 3), [0.2, 0.2 * 0.9, 0.2 * 0.81], { rtol: 1e-15 });
  assertClose(s(10), 0.2 * 0.9 ** 10, { rtol: 1e-15 });
});

Deno.test("cosineAnnealing: from lr down to the floor over the period, then holds it", () => {
  const s = cosineAnnealing(0.1, 100, 0.001);
  assertClose(s(0), 0.1, { rtol: 1e-15 });
  assertClose(s(50), 0.001 + (0.1 - 0.001) / 2, { rtol: 1e-12 }); // cos(π/2) = 0
  assertClose(s(25), 0.001 + 0.099 * (1 + Math.SQRT1_2) / 2, { rtol: 1e-12 });
  assertClose(s(100), 0.001, { rtol: 1e-12 });
  assertClose(s(250), 0.001, { rtol: 1e-12 });
  const r = rates(s, 101);
  for (let t = 1; t < r.length; t++) assert.ok(r[t] <= r[t - 1], `falls at t = ${t}`);
  assertClose(cosineAnnealing(1, 4)(4), 0, { atol: 1e-15 }); // the floor defaults to 0
});

Deno.test("linearWarmup: equal steps up to the wrapped schedule's start, then hands over", () => {
  const s = linearWarmup(4, exponentialDecay(0.1, 0.5));
  assertClose(rates(s, 7), [0.025, 0.05, 0.075, 0.1, 0.1, 0.05, 0.025], { rtol: 1e-12 });
  // Warmup in front of cosine annealing: the peak comes at the end of warmup.
  const w = linearWarmup(10, cosineAnnealing(1e-3, 90));
  assertClose(w(0), 1e-4, { rtol: 1e-12 });
  assertClose(w(9), 1e-3, { rtol: 1e-12 });
  assertClose(w(10 + 45), 5e-4, { rtol: 1e-12 });
  assertClose(w(100), 0, { atol: 1e-15 });
});

Deno.test("applySchedule sets the optimizer's rate and returns it", () => {
  const opt = new Adam([tensor([1], { requiresGrad: true })]);
  const s = stepDecay(0.1, 2);
  assert.equal(applySchedule(opt, s, 0), 0.1);
  assert.equal(opt.lr, 0.1);
  applySchedule(opt, s, 5);
  assertClose(opt.lr, 0.001, { rtol: 1e-12 });
  // The plain assignment is the same thing.
  opt.lr = s(2);
  assertClose(opt.lr, 0.01, { rtol: 1e-12 });
});

Deno.test("schedule errors name the function and the argument", () => {
  assertThrowsWith(() => stepDecay(0.1, 0), "stepDecay: stepSize must be an integer >= 1, got 0");
  assertThrowsWith(() => stepDecay(-1, 10), "stepDecay: lr must be a finite number >= 0, got -1");
  assertThrowsWith(
    () => exponentialDecay(0.1, 0),
    "exponentialDecay: gamma must be a finite number > 0",
  );
  assertThrowsWith(
    () => cosineAnnealing(0.1, 0),
    "cosineAnnealing: period must be a finite number > 0",
  );
  assertThrowsWith(
    () => linearWarmup(2.5, constantLr(1)),
    "linearWarmup: warmup must be an integer >= 1",
  );
  assertThrowsWith(
    () => cosineAnnealing(0.1, 10)(-1),
    "cosineAnnealing: the step index must be a finite number >= 0, got -1",
  );
  assertThrowsWith(() => linearWarmup(3, constantLr(1))(NaN), "linearWarmup: the step index");
});
