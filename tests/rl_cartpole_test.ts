/**
 * CartPole against trajectories derived by hand: the first steps from rest in closed form, further
 * steps from the equations of motion as Barto, Sutton and Anderson (1983) wrote them, the mirror
 * symmetry of the physics, and the episode rules of Gym's CartPole-v0.
 */

import assert from "node:assert/strict";
import {
  CARTPOLE,
  CartPole,
  CartPoleBatch,
  cartPoleFailed,
  type CartPoleState,
  cartPoleStep,
  runCartPoleEpisodes,
} from "../lib/mod.ts";

function assertState(got: CartPoleState, want: readonly number[], tol = 1e-12) {
  got.forEach((v, i) => {
    assert.ok(Math.abs(v - want[i]) <= tol, `state[${i}] is ${v}, expected ${want[i]}`);
  });
}

Deno.test("cartpole: the first two pushes to the right from rest, in closed form", () => {
  // From rest θ = 0, so sin θ = 0 and cos θ = 1: the force divided by the total mass is
  // temp = 10 / 1.1 = 100/11, the pole's angular acceleration is
  // −temp / (0.5 (4/3 − 0.1/1.1)) = −(100/11)·(66/41) = −600/41, and the cart's is
  // temp − 0.05 · (−600/41) / 1.1 = 400/41. Euler moves positions with the old velocities.
  const s1 = cartPoleStep([0, 0, 0, 0], 1);
  assertState(s1, [0, 0.02 * 400 / 41, 0, -0.02 * 600 / 41]);
  // Still θ = 0 at step 1, so the accelerations repeat; x and θ now move with step 1's velocities.
  const s2 = cartPoleStep(s1, 1);
  assertState(s2, [0.02 * 8 / 41, 0.04 * 400 / 41, -0.02 * 12 / 41, -0.04 * 600 / 41]);
});

/**
 * One step of the equations as Barto et al. (1983) write them (friction-free), in a different
 * arrangement from the library's: θ̈ from the cart's reaction, then ẍ from θ̈.
 */
function bartoStep([x, v, th, w]: readonly number[], action: number): number[] {
  const g = 9.8, mc = 1, mp = 0.1, l = 0.5, dt = 0.02;
  const f = action === 1 ? 10 : -10;
  const thAcc =
    (g * Math.sin(th) + Math.cos(th) * ((-f - mp * l * w * w * Math.sin(th)) / (mc + mp))) /
    (l * (4 / 3 - (mp * Math.cos(th) ** 2) / (mc + mp)));
  const xAcc = (f + mp * l * (w * w * Math.sin(th) - thAcc * Math.cos(th))) / (mc + mp);
  return [x + dt * v, v + dt * xAcc, th + dt * w, w + dt * thAcc];
}

Deno.test("cartpole: a fixed action sequence follows Barto et al.'s equations", () => {
  const actions = [1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0];
  let state: CartPoleState = [0.01, -0.02, 0.03, 0.04];
  let want: number[] = [0.01, -0.02, 0.03, 0.04];
  for (const a of actions) {
    state = cartPoleStep(state, a);
    want = bartoStep(want, a);
    assertState(state, want, 1e-12);
  }
});

/**
 * One episode of Gymnasium's CartPole as printed in the README of diegopacheco/ai-playground
 * (pocs/reinforcement-learning-CartPole): the observation after each step, in float32, up to the
 * step that ends it. The pushes are read off the cart's velocity (right raises it by about 0.195).
 */
const GYMNASIUM_EPISODE: readonly (readonly number[])[] = [
  [-0.03783562, 0.22712974, 0.02664461, -0.270979],
  [-0.03329302, 0.42186156, 0.02122504, -0.55514044],
  [-0.02485579, 0.61667913, 0.01012223, -0.8410613],
  [-0.01252221, 0.8116615, -0.006699, -1.130544],
  [0.00371102, 1.0068705, -0.02930988, -1.4253204],
  [0.02384843, 1.2023422, -0.05781629, -1.7270179],
  [0.04789528, 1.007927, -0.09235664, -1.4528707],
  [0.06805381, 1.2040539, -0.12141406, -1.7729217],
  [0.09213489, 1.0104924, -0.1568725, -1.5203251],
  [0.11234474, 0.8175758, -0.18727899, -1.280435],
  [0.12869626, 0.6252673, -0.21288769, -1.0517548],
];
const GYMNASIUM_ACTIONS = [1, 1, 1, 1, 1, 0, 1, 0, 0, 0];

Deno.test("cartpole: matches a published Gymnasium episode step by step", () => {
  for (let t = 0; t < GYMNASIUM_ACTIONS.length; t++) {
    const next = cartPoleStep(GYMNASIUM_EPISODE[t] as CartPoleState, GYMNASIUM_ACTIONS[t]);
    // The printed states are float32, so each step starts from a rounded state.
    assertState(next, GYMNASIUM_EPISODE[t + 1], 2e-6);
    // Gymnasium ended the episode at the last step (θ past −12°), and not before.
    assert.equal(cartPoleFailed(next), t === GYMNASIUM_ACTIONS.length - 1, `step ${t + 1}`);
  }
});

Deno.test("cartpole: the physics is mirror-symmetric", () => {
  // Reflecting the track maps the state s to −s and swaps the two pushes.
  let s: CartPoleState = [0.3, -0.4, 0.05, 0.2];
  let m: CartPoleState = [-0.3, 0.4, -0.05, -0.2];
  for (const a of [1, 1, 0, 1, 0, 0, 1]) {
    s = cartPoleStep(s, a);
    m = cartPoleStep(m, 1 - a);
    assertState(m, s.map((v) => -v), 1e-12);
  }
});

Deno.test("cartpole: always pushing right tips the pole over to the left", () => {
  const env = new CartPole({ seed: 0 });
  env.reset([0, 0, 0, 0]);
  let result = env.step(1);
  while (!result.terminated && !result.truncated) result = env.step(1);
  assert.ok(result.terminated, "the pole falls before the time limit");
  assert.ok(result.state[2] < -CARTPOLE.thetaLimit, "past −12°");
  assert.ok(Math.abs(result.state[0]) < CARTPOLE.xLimit, "while the cart is still on the track");
  assert.equal(result.reward, 1, "the failing step still earns its reward");
  assert.ok(env.steps > 5 && env.steps < 20, `it takes a few steps (${env.steps})`);
});

Deno.test("cartpole: the episode rules", () => {
  const limit = CARTPOLE.thetaLimit;
  assert.equal(limit, 12 * 2 * Math.PI / 360);
  assert.equal(cartPoleFailed([2.4, 0, 0, 0]), false, "exactly at the limit is still in");
  assert.equal(cartPoleFailed([2.4000001, 0, 0, 0]), true);
  assert.equal(cartPoleFailed([-2.41, 0, 0, 0]), true);
  assert.equal(cartPoleFailed([0, 0, limit * 1.0001, 0]), true);
  assert.equal(cartPoleFailed([0, 0, -limit * 0.9999, 0]), false);
  // The cart runs off the right end: x = 2.39 moving right at 1 m/s crosses 2.4 within a step.
  const env = new CartPole();
  env.reset([2.39, 1, 0, 0]);
  assert.equal(env.step(1).terminated, true);
  // The time limit truncates without terminating.
  const short = new CartPole({ maxSteps: 3 });
  short.reset([0, 0, 0, 0]);
  const steps = [short.step(1), short.step(0), short.step(1)];
  assert.deepEqual(steps.map((s) => [s.terminated, s.truncated]), [
    [false, false],
    [false, false],
    [false, true],
  ]);
  assert.throws(() => short.step(0), /call reset\(\) first/);
});

Deno.test("cartpole: initial states are within ±0.05 and seeded", () => {
  const a = new CartPole({ seed: 5 }), b = new CartPole({ seed: 5 });
  for (let k = 0; k < 20; k++) {
    const s = a.reset();
    assert.deepEqual(s, b.reset());
    assert.ok(s.every((v) => Math.abs(v) <= 0.05));
  }
  assert.notDeepEqual(new CartPole({ seed: 6 }).reset(), new CartPole({ seed: 5 }).reset());
});

Deno.test("cartpole: bad input is rejected clearly", () => {
  assert.throws(() => cartPoleStep([0, 0, 0, 0], 2), /action must be 0 \(left\) or 1 \(right\)/);
  assert.throws(() => cartPoleStep([0, 0, NaN, 0], 1), /4 finite numbers/);
  assert.throws(() => cartPoleStep([0, 0, 0] as unknown as CartPoleState, 1), /4 finite numbers/);
  assert.throws(() => new CartPole({ maxSteps: 0 }), /maxSteps must be a positive integer/);
  assert.throws(() => new CartPole().step(0), /call reset\(\) first/);
});

Deno.test("cartpole batch: each environment steps exactly like a single one", () => {
  const envs = new CartPoleBatch(3, { seed: 11 });
  const singles = envs.states.map((s) => {
    const env = new CartPole();
    env.reset(s);
    return env;
  });
  const actions = [[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 1]];
  for (const a of actions) {
    envs.step(a);
    singles.forEach((env, i) => {
      env.step(a[i]);
      assert.deepEqual(envs.states[i], env.state);
    });
  }
  const obs = envs.observations();
  assert.equal(obs.length, 12);
  assert.ok(Math.abs(obs[4 + 2] - envs.states[1][2]) < 1e-7);
});

Deno.test("cartpole batch: finished episodes freeze until reset", () => {
  const envs = new CartPoleBatch(2, { seed: 1, maxSteps: 4 });
  for (let k = 0; k < 3; k++) envs.step([1, 1]);
  const last = envs.step([1, 1]);
  assert.deepEqual(Array.from(last.truncated), [1, 1]);
  assert.ok(envs.allOver);
  const frozen = envs.states[0];
  const after = envs.step([0, 0]);
  assert.deepEqual(Array.from(after.rewards), [0, 0]);
  assert.equal(envs.states[0], frozen);
  envs.reset(0);
  assert.equal(envs.over[0], 0);
  assert.equal(envs.steps[0], 0);
  assert.throws(() => envs.step([1]), /expected 2 actions/);
  assert.throws(() => envs.reset(2), /no environment 2/);
});

Deno.test("runCartPoleEpisodes: returns, recordings and a balancing policy", () => {
  const right = () => new Int32Array(5).fill(1);
  const { returns, episodes } = runCartPoleEpisodes(right, 5, { seed: 3, record: true });
  assert.equal(returns.length, 5);
  episodes!.forEach((e, i) => {
    assert.equal(e.actions.length, returns[i]);
    assert.equal(e.states.length, returns[i] + 1);
    assert.ok(e.terminated);
  });
  // Pushing towards the side the pole leans to, plus its rate, balances it for all 200 steps.
  const lean = (obs: Float32Array, n: number) =>
    Int32Array.from({ length: n }, (_, i) => obs[4 * i + 2] + 0.5 * obs[4 * i + 3] > 0 ? 1 : 0);
  const balanced = runCartPoleEpisodes(lean, 20, { seed: 4 }).returns;
  assert.ok(balanced.every((r) => r === 200), `${balanced}`);
  assert.throws(() => runCartPoleEpisodes(() => [1], 2), /returned 1 actions for 2 states/);
});
