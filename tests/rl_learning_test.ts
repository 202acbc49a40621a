/**
 * The learning pieces of lib/rl: the replay buffer, ε-greedy actions and their schedule, the DQN
 * loss and target update, action sampling, episode flattening and the REINFORCE loss, plus the
 * filmstrip and grid-world drawings.
 */

import assert from "node:assert/strict";
import {
  Adam,
  cartPoleFilmstrip,
  type CartPoleState,
  dqnLoss,
  episodeSteps,
  epsilonGreedy,
  fromArray,
  GridWorld,
  gridWorldChart,
  Linear,
  linearSchedule,
  logSoftmax,
  reinforceLoss,
  ReplayBuffer,
  Rng,
  runCartPoleEpisodes,
  sampleActions,
  tensor,
  tidy,
  updateTarget,
  valueIteration,
} from "../lib/mod.ts";

const close = (a: number, b: number, tol = 1e-5) => Math.abs(a - b) <= tol;

Deno.test("replay buffer: a ring that overwrites the oldest, sampled uniformly", () => {
  const buffer = new ReplayBuffer(3, 2);
  for (let k = 0; k < 5; k++) buffer.add([k, -k], k % 2, 10 * k, [k + 1, 0], k === 4);
  assert.equal(buffer.size, 3);
  const seen = new Set<number>();
  const batch = buffer.sample(200, new Rng(0));
  assert.equal(batch.states.length, 400);
  for (let b = 0; b < 200; b++) {
    const k = batch.states[2 * b];
    seen.add(k);
    assert.equal(batch.states[2 * b + 1], -k);
    assert.equal(batch.actions[b], k % 2);
    assert.equal(batch.rewards[b], 10 * k);
    assert.equal(batch.nextStates[2 * b], k + 1);
    assert.equal(batch.terminated[b], k === 4 ? 1 : 0);
  }
  assert.deepEqual([...seen].sort(), [2, 3, 4], "transitions 0 and 1 were overwritten");
  assert.throws(() => new ReplayBuffer(3, 2).sample(1, new Rng(0)), /empty/);
  assert.throws(() => buffer.add([1], 0, 0, [1, 2], false), /must have 2 numbers/);
  assert.throws(() => buffer.add([1, 2], -1, 0, [1, 2], false), /non-negative integer/);
  assert.throws(() => new ReplayBuffer(0, 2), /capacity must be a positive integer/);
});

Deno.test("epsilonGreedy and linearSchedule", () => {
  const q = [1, 2, 5, -1, 0, 0];
  assert.deepEqual(Array.from(epsilonGreedy(q, 2, 0, new Rng(0))), [1, 0, 0]);
  const rng = new Rng(1);
  let right = 0;
  for (let k = 0; k < 2000; k++) right += epsilonGreedy([5, 1], 2, 1, rng)[0];
  assert.ok(Math.abs(right / 2000 - 0.5) < 0.05, "ε = 1 picks uniformly at random");
  assert.throws(() => epsilonGreedy([1, 2, 3], 2, 0, rng), /rows of 2 actions/);
  assert.throws(() => epsilonGreedy([1, 2], 2, 1.5, rng), /ε must be in/);
  const eps = linearSchedule(1, 0.1, 100);
  assert.deepEqual([eps(0), eps(50), eps(100), eps(1000)].map((e) => +e.toFixed(10)), [
    1,
    0.55,
    0.1,
    0.1,
  ]);
  assert.throws(() => linearSchedule(1, 0, 0), /steps must be positive/);
});

Deno.test("dqnLoss: the TD target by hand, without bootstrapping past a terminal state", () => {
  const online = new Linear(2, 2), target = new Linear(2, 2);
  online.loadStateDict({ weight: tensor([[1, 0], [0, 1]]), bias: tensor([0, 0]) });
  target.loadStateDict({ weight: tensor([[2, 0], [0, 1]]), bias: tensor([0, 0.5]) });
  const batch = {
    size: 2,
    states: Float32Array.from([1, 2, 3, 4]),
    actions: Int32Array.from([1, 0]),
    rewards: Float32Array.from([1, 0.5]),
    nextStates: Float32Array.from([1, 1, 2, 0]),
    terminated: Float32Array.from([0, 1]),
  };
  // Q(s, a): 2 and 3. Targets: 1 + 0.9 · max(2, 1.5) = 2.8, and 0.5 (terminal).
  // TD errors −0.8 and 2.5; MSE (0.64 + 6.25) / 2; Huber (0.32 + 2.0) / 2.
  const mse = tidy(() => dqnLoss(online, target, batch, 0.9, { loss: "mse" }).item());
  const huber = tidy(() => dqnLoss(online, target, batch, 0.9).item());
  assert.ok(close(mse, (0.64 + 6.25) / 2), `${mse}`);
  assert.ok(close(huber, (0.32 + 2.0) / 2), `${huber}`);
  tidy(() => dqnLoss(online, target, batch, 0.9).backward());
  assert.ok(online.weight.grad, "the online network gets gradients");
  assert.equal(target.weight.grad, null, "the target network does not");
  assert.throws(() => dqnLoss(online, target, batch, 2), /γ must be in/);
});

Deno.test("updateTarget: a snapshot that training the online network leaves alone", () => {
  const online = new Linear(3, 2), target = new Linear(3, 2);
  updateTarget(target, online);
  const snapshot = Array.from(target.weight.dataSync());
  assert.deepEqual(snapshot, Array.from(online.weight.dataSync()));
  const optimizer = new Adam(online.parameters(), { lr: 0.1 });
  tidy(() => online.forward(tensor([[1, 2, 3]])).sum().backward());
  optimizer.step();
  assert.notDeepEqual(Array.from(online.weight.dataSync()), snapshot);
  assert.deepEqual(Array.from(target.weight.dataSync()), snapshot);
});

Deno.test("sampleActions follows the probabilities", () => {
  const rng = new Rng(2);
  const counts = [0, 0, 0];
  for (let k = 0; k < 3000; k++) counts[sampleActions([0.2, 0.5, 0.3], 3, rng)[0]]++;
  [0.2, 0.5, 0.3].forEach((p, a) => assert.ok(Math.abs(counts[a] / 3000 - p) < 0.03));
  assert.deepEqual(Array.from(sampleActions([0, 1, 1, 0], 2, rng)), [1, 0]);
  assert.throws(() => sampleActions([0.5, 0.5, 1], 2, rng), /rows of 2/);
});

Deno.test("episodeSteps flattens episodes with their returns-to-go", () => {
  const { episodes } = runCartPoleEpisodes(() => [1, 0], 2, { seed: 0, record: true });
  const steps = episodeSteps(episodes!, 0.5);
  const n0 = episodes![0].actions.length;
  assert.equal(steps.count, n0 + episodes![1].actions.length);
  assert.equal(steps.states.length, 4 * steps.count);
  assert.ok(close(steps.returns[n0 - 1], 1) && close(steps.returns[n0 - 2], 1.5));
  assert.equal(steps.times[n0], 0, "the second episode starts at time 0");
  assert.equal(steps.actions[n0], 0);
  assert.ok(close(steps.states[4 * n0 + 2], episodes![1].states[0][2]));
  assert.throws(
    () => episodeSteps([{ states: [], actions: [1], terminated: true }], 0.9),
    /one more state than actions/,
  );
});

Deno.test("reinforceLoss: −mean(log π(a|s) · advantage)", () => {
  const logits = tensor([[0, 1], [2, 0], [0, 0]]);
  const actions = fromArray(Int32Array.from([1, 0, 1]), [3], { dtype: "int32" });
  const advantages = tensor([1, -2, 0.5]);
  const logP = logSoftmax(logits).toArray() as number[][];
  const want = -(logP[0][1] * 1 + logP[1][0] * -2 + logP[2][1] * 0.5) / 3;
  assert.ok(close(reinforceLoss(logits, actions, advantages).item(), want));
  assert.throws(() => reinforceLoss(logits, actions, tensor([1, 2])), /advantages \[N\]/);
});

Deno.test("drawings: a filmstrip of an episode, a grid world with arrows", () => {
  const states: CartPoleState[] = Array.from({ length: 30 }, (_, t) => [0.01 * t, 0, -0.01 * t, 0]);
  const strip = cartPoleFilmstrip(states, { frames: 6, title: "An episode" });
  assert.equal(strip.svg.match(/t = /g)!.length, 6);
  assert.match(strip.svg, /t = 29/, "the last state is the last frame");
  assert.match(strip.svg, /<svg/);
  assert.throws(() => cartPoleFilmstrip([]), /no states/);
  const world = new GridWorld({ layout: ["S.+"], terminals: { "+": 1 } });
  const { values, policy } = valueIteration(world, 0.9);
  const chart = gridWorldChart(world, values, { policy, title: "V*" });
  assert.equal(chart.svg.match(/→/g)!.length, 2);
  assert.throws(() => gridWorldChart(world, [1, 2]), /expected 3 values/);
});
