/** The grid world MDP, value iteration, exact policy evaluation and discounted returns. */

import assert from "node:assert/strict";
import { discountedReturns, evaluatePolicy, GridWorld, valueIteration } from "../lib/mod.ts";

const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol;

Deno.test("discountedReturns: G_t = r_t + γ G_{t+1}", () => {
  assert.deepEqual(Array.from(discountedReturns([1, 1, 1], 0.5)), [1.75, 1.5, 1]);
  assert.deepEqual(Array.from(discountedReturns([3, 0, 2], 0)), [3, 0, 2]);
  assert.deepEqual(Array.from(discountedReturns([1, 2, 3], 1)), [6, 5, 3]);
  assert.deepEqual(Array.from(discountedReturns([], 0.9)), []);
  // 200 rewards of 1 at γ = 0.99: the geometric sum (1 − γ²⁰⁰) / (1 − γ).
  const g = discountedReturns(new Array(200).fill(1), 0.99);
  assert.ok(close(g[0], (1 - 0.99 ** 200) / 0.01));
  assert.throws(() => discountedReturns([1], 1.5), /γ must be in \[0, 1\]/);
  assert.throws(() => discountedReturns([1, NaN], 0.9), /reward 1 is NaN/);
});

Deno.test("grid world: a deterministic corridor has values γ^distance", () => {
  const world = new GridWorld({ layout: ["S..+"], terminals: { "+": 1 } });
  const { values, policy, qValues } = valueIteration(world, 0.9);
  assert.ok(close(values[2], 1) && close(values[1], 0.9) && close(values[0], 0.81));
  assert.equal(values[3], 0, "a terminal state's value is 0: nothing follows it");
  assert.deepEqual(Array.from(policy), [1, 1, 1, -1], "every cell moves right");
  // Moving left from cell 1 lands on cell 0, worth 0.81, so Q(1, left) = 0.9 · 0.81.
  assert.ok(close(qValues[4 * 1 + 3], 0.9 * 0.81));
});

Deno.test("grid world: walls and edges block, slips go sideways", () => {
  const world = new GridWorld({
    layout: ["..+", ".#-", "S.."],
    terminals: { "+": 1, "-": -1 },
    slip: 0.1,
    stepReward: -0.04,
  });
  assert.ok(world.isWall(4) && world.isTerminal(2) && world.isTerminal(5));
  // Up from cell 7 (row 2, col 1) hits the wall: it stays put with 0.8, slips right or left.
  const t = world.transitions(7, 0);
  assert.deepEqual(t.map((o) => o.next), [7, 8, 6]);
  assert.ok(close(t.reduce((s, o) => s + o.probability, 0), 1));
  assert.deepEqual(t.map((o) => o.reward), [-0.04, -0.04, -0.04]);
  // Right from cell 1 enters the +1 terminal.
  assert.equal(world.transitions(1, 1)[0].reward, 1);
  assert.deepEqual(world.transitions(4, 0), [], "a wall has no moves");
  assert.deepEqual(world.transitions(2, 0), [], "nor has a terminal");
});

Deno.test("value iteration: a γ-contraction whose greedy policy's exact value is V*", () => {
  const world = new GridWorld({
    layout: ["...+", ".#.-", "S..."],
    terminals: { "+": 1, "-": -1 },
    slip: 0.1,
    stepReward: -0.04,
  });
  const gamma = 0.95;
  const result = valueIteration(world, gamma);
  for (let k = 1; k < result.changes.length; k++) {
    assert.ok(result.changes[k] <= gamma * result.changes[k - 1] + 1e-15, `sweep ${k}`);
  }
  const exact = evaluatePolicy(world, result.policy, gamma);
  exact.forEach((v, s) => assert.ok(close(v, result.values[s], 1e-9), `state ${s}`));
  // Right of the start the agent turns back and takes the long way round, away from the −1 pit,
  // rather than risk a slip into it on the short way.
  assert.equal(result.policy[9], 3, "the cell right of the start goes left");
});

Deno.test("grid world: bad input is rejected clearly", () => {
  assert.throws(() => new GridWorld({ layout: ["..", "."], terminals: {} }), /equal length/);
  assert.throws(() => new GridWorld({ layout: [".x"], terminals: {} }), /'x'/);
  assert.throws(() => new GridWorld({ layout: [".."], terminals: {}, slip: 0.7 }), /slip/);
  const world = new GridWorld({ layout: ["S+"], terminals: { "+": 1 } });
  assert.throws(() => world.transitions(0, 4), /action must be 0 to 3/);
  assert.throws(() => world.transitions(9, 0), /no state 9/);
  assert.throws(() => valueIteration(world, 1), /γ < 1/);
  assert.throws(() => evaluatePolicy(world, [1], 0.9), /one action per state/);
});
