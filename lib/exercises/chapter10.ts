/**
 * Chapter 10's exercises, Deep Reinforcement Learning: their graders, the notebook checks that
 * print the graders' verdicts, and the solutions.
 *
 * 1. Discounted returns G_t = r_t + γ G_{t+1} of one episode, on plain numbers. Checked on three
 *    episodes, with the usual mistakes (accumulating from the start, discounting the first reward,
 *    leaving out r_t) recognised.
 * 2. The Bellman optimality backup of one state of a grid world with slippery moves:
 *    max_a Σ p(s′, r | s, a) [r + γ V(s′)]. Checked on every open state for made-up values.
 * 3. The DQN targets of a minibatch, y = r + γ (1 − terminated) max_a′ Q(s′, a′), on plain numbers.
 *
 * @example
 * ```ts
 * import { chapter10 } from "../lib/exercises/mod.ts";
 * chapter10.check.exercise1((rewards) => rewards); // prints "✗ not yet: …"
 * chapter10.check.exercise1(chapter10.solutions.exercise1); // prints "✓ right: …"
 * ```
 *
 * @module
 */

import { GridWorld } from "../rl/grid_world.ts";
import { Rng } from "../tensor/random.ts";
import { messageOf, show, showList } from "./format.ts";
import { checker, notYet, right, type Verdict } from "./verdict.ts";

/** Exercise 1's answer: the return from every step of an episode's rewards. */
export type ReturnsFunction = (rewards: number[], gamma: number) => number[];

/** Exercise 2's answer: the Bellman optimality backup of `state` given the values of all states. */
export type BellmanBackup = (
  world: GridWorld,
  values: readonly number[],
  gamma: number,
  state: number,
) => number;

/** Exercise 3's answer: one DQN target per transition. */
export type TdTargets = (
  rewards: number[],
  nextQ: number[][],
  terminated: boolean[],
  gamma: number,
) => number[];

/** Whether two lists agree to rounding. */
function allClose(got: readonly number[], want: readonly number[], tol = 1e-9): boolean {
  return got.length === want.length &&
    want.every((w, i) => Math.abs(got[i] - w) <= tol * (1 + Math.abs(w)));
}

/** Whether `got` is an array of numbers; if not, why. */
function numbersOrWhy(got: unknown, what: string): string | null {
  if (!Array.isArray(got) && !ArrayBuffer.isView(got)) {
    return `your function returned ${got === null ? "null" : typeof got}, not an array of ${what}`;
  }
  if (Array.from(got as ArrayLike<unknown>).some((v) => typeof v !== "number")) {
    return `your function should return an array of numbers, one ${what.replace(/s$/, "")} each`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Exercise 1: discounted returns.

const RETURN_CASES: readonly { rewards: number[]; gamma: number }[] = [
  { rewards: [0, 1, 0, 2], gamma: 0.9 },
  { rewards: [1, -1, 2, 0, 3], gamma: 0.5 },
  { rewards: [1, 1, 1, 1], gamma: 1 },
];

/** G_t = Σ_k γ^k r_{t+k}, summed directly (not by the recursion, so the two check each other). */
function referenceReturns(rewards: readonly number[], gamma: number): number[] {
  return rewards.map((_, t) => rewards.slice(t).reduce((g, r, k) => g + gamma ** k * r, 0));
}

function gradeExercise1(answer: ReturnsFunction): Verdict {
  if (typeof answer !== "function") {
    return notYet(`exercise 1 takes a function (rewards, gamma) => returns, got ${typeof answer}`);
  }
  for (const { rewards, gamma } of RETURN_CASES) {
    let got: unknown;
    try {
      got = answer([...rewards], gamma);
    } catch (error) {
      return notYet(`your function threw on rewards ${showList(rewards)}: ${messageOf(error)}`);
    }
    const why = numbersOrWhy(got, "returns");
    if (why) return notYet(why);
    const values = Array.from(got as ArrayLike<number>);
    if (values.length !== rewards.length) {
      return notYet(
        `you returned ${values.length} returns for ${rewards.length} rewards: one per step`,
      );
    }
    const want = referenceReturns(rewards, gamma);
    if (allClose(values, want)) continue;
    const where = `for rewards ${showList(rewards)} and γ = ${gamma}`;
    const mistakes: [number[], string][] = [
      [
        referenceReturns([...rewards].reverse(), gamma).reverse(),
        "you accumulated from the first step forwards; G_t looks ahead, so run the loop " +
        "backwards, from the last step: G_t = r_t + γ G_{t+1}",
      ],
      [
        [...want].reverse(),
        "your returns are in reverse order: G_0 (the first) is the return of the whole episode",
      ],
      [
        want.map((g) => gamma * g),
        "you discounted r_t itself; the reward of the step you are in counts in full, γ⁰ = 1",
      ],
      [
        want.map((g, t) => g - rewards[t]),
        "you left out r_t: the return from step t includes the reward of step t",
      ],
      [
        referenceReturns(rewards, 1),
        "you did not discount: each reward k steps ahead is worth γ^k",
      ],
      [
        [...rewards],
        "you returned the rewards themselves: G_t adds the discounted rewards of all later steps",
      ],
    ];
    for (const [wrong, hint] of mistakes) {
      if (allClose(values, wrong)) return notYet(`${where}: ${hint}`);
    }
    return notYet(`${where} you return ${showList(values)}, but the returns are ${showList(want)}`);
  }
  return right(
    `right on all three episodes. With γ = 0.9 a reward of 2 three steps ahead is worth ` +
      `${show(2 * 0.9 ** 3)} now; with γ = 1 the return is just the sum of the rewards left.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 2: the Bellman optimality backup.

/** The exercise's world: slippery, with a cost per move, a goal and a pit. */
function backupWorld(): GridWorld {
  return new GridWorld({
    layout: ["...+", ".#.-", "S..."],
    terminals: { "+": 1, "-": -1 },
    slip: 0.1,
    stepReward: -0.04,
  });
}

/** Values made up at random (0 on walls and terminals), so that no action wins by symmetry. */
function backupValues(world: GridWorld): number[] {
  const rng = new Rng(1010);
  return Array.from(
    { length: world.size },
    (_, s) => world.isWall(s) || world.isTerminal(s) ? 0 : 2 * rng.uniform() - 1,
  );
}

/** The backup of `s` with the action values combined by `combine` and each outcome by `outcome`. */
function backup(
  world: GridWorld,
  values: readonly number[],
  gamma: number,
  s: number,
  combine: (qs: number[]) => number = (qs) => Math.max(...qs),
  slip = true,
): number {
  const qs = [0, 1, 2, 3].map((a) => {
    const outcomes = world.transitions(s, a);
    const used = slip ? outcomes : [{ ...outcomes[0], probability: 1 }];
    return used.reduce((q, t) => q + t.probability * (t.reward + gamma * values[t.next]), 0);
  });
  return combine(qs);
}

function gradeExercise2(answer: BellmanBackup): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 2 takes a function (world, values, gamma, state) => number, got ${typeof answer}`,
    );
  }
  const world = backupWorld(), values = backupValues(world), gamma = 0.9;
  const open = values.map((_, s) => s).filter((s) => !world.isWall(s) && !world.isTerminal(s));
  const got: number[] = [];
  for (const s of open) {
    let v: unknown;
    try {
      v = answer(world, [...values], gamma, s);
    } catch (error) {
      return notYet(`your function threw for state ${s}: ${messageOf(error)}`);
    }
    if (typeof v !== "number") {
      return notYet(`for state ${s} your function returned ${typeof v}, not a number`);
    }
    got.push(v);
  }
  const want = open.map((s) => backup(world, values, gamma, s));
  if (allClose(got, want)) {
    return right(
      `right in all ${open.length} open states: the best action's expected reward plus ` +
        "discounted value, averaged over where the slippery move may land. Repeat it over all " +
        "states until nothing changes, and you have value iteration.",
    );
  }
  const mean = (qs: number[]) => qs.reduce((a, b) => a + b, 0) / qs.length;
  const mistakes: [number[], string][] = [
    [
      open.map((s) => backup(world, values, 1, s)),
      "you did not discount: multiply the next state's value by γ",
    ],
    [
      open.map((s) => backup(world, values, gamma, s, undefined, false)),
      "you followed only the intended move; with slip the move also goes to either side " +
      "(world.transitions(s, a) lists every outcome with its probability): weight each by it",
    ],
    [
      open.map((s) => backup(world, values, gamma, s, mean)),
      "you averaged over the actions (that is the value of the random policy); the optimality " +
      "backup takes the best action, the max",
    ],
    [
      open.map((s) => backup(world, values, gamma, s, (qs) => Math.min(...qs))),
      "you took the worst action; take the max over actions",
    ],
    [
      open.map((s) => backup(world, values.map(() => 0), gamma, s)),
      "your backup ignores the values of the next states: add γ V(s′)",
    ],
  ];
  for (const [wrong, hint] of mistakes) {
    if (allClose(got, wrong)) return notYet(hint);
  }
  const k = got.findIndex((v, i) => !(Math.abs(v - want[i]) <= 1e-9 * (1 + Math.abs(want[i]))));
  return notYet(
    `for state ${open[k]} you return ${show(got[k])}, but max_a Σ p(s′, r | s, a) [r + γ V(s′)] ` +
      `is ${show(want[k])}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Exercise 3: DQN targets.

const TD_CASE = {
  rewards: [1, 1, 0.5, 1],
  nextQ: [[2, 3], [4, -1], [0.5, 0.25], [-2, -3]],
  terminated: [false, true, false, false],
  gamma: 0.99,
};

/** The targets with the next-state value combined by `pick`, bootstrapping where `boot(i)`. */
function tdTargets(pick: (q: number[]) => number, boot: (i: number) => boolean, gamma: number) {
  return TD_CASE.rewards.map((r, i) => r + (boot(i) ? gamma * pick(TD_CASE.nextQ[i]) : 0));
}

function gradeExercise3(answer: TdTargets): Verdict {
  if (typeof answer !== "function") {
    return notYet(
      `exercise 3 takes a function (rewards, nextQ, terminated, gamma) => targets, got ${typeof answer}`,
    );
  }
  let got: unknown;
  try {
    got = answer(
      [...TD_CASE.rewards],
      TD_CASE.nextQ.map((q) => [...q]),
      [...TD_CASE.terminated],
      TD_CASE.gamma,
    );
  } catch (error) {
    return notYet(`your function threw: ${messageOf(error)}`);
  }
  const why = numbersOrWhy(got, "targets");
  if (why) return notYet(why);
  const values = Array.from(got as ArrayLike<number>);
  if (values.length !== TD_CASE.rewards.length) {
    return notYet(
      `you returned ${values.length} targets for ${TD_CASE.rewards.length} transitions`,
    );
  }
  const max = (q: number[]) => Math.max(...q);
  const live = (i: number) => !TD_CASE.terminated[i];
  const want = tdTargets(max, live, TD_CASE.gamma);
  if (allClose(values, want)) {
    return right(
      `right: ${showList(want)}. The terminal transition's target is its reward alone, and the ` +
        "last one bootstraps from its best next action even though both are negative.",
    );
  }
  const mistakes: [number[], string][] = [
    [
      tdTargets(max, () => true, TD_CASE.gamma),
      "you bootstrapped past a terminal state: when the episode ended there is no next value, so " +
      "the target is the reward alone",
    ],
    [
      tdTargets(max, (i) => !live(i), TD_CASE.gamma),
      "your terminal test is the wrong way round: bootstrap where the episode goes on",
    ],
    [
      tdTargets(max, live, 1),
      "you did not discount: the next state's value counts γ times",
    ],
    [
      tdTargets((q) => Math.min(...q), live, TD_CASE.gamma),
      "you took the smallest next Q-value; Q-learning bootstraps from the best next action, the max",
    ],
    [
      tdTargets((q) => q.reduce((a, b) => a + b, 0) / q.length, live, TD_CASE.gamma),
      "you averaged the next Q-values (that is a random policy's value); take the max",
    ],
    [
      tdTargets(
        (q) => Math.abs(max(q)) > Math.abs(Math.min(...q)) ? max(q) : Math.min(...q),
        live,
        TD_CASE.gamma,
      ),
      "you took the next Q-value largest in size; take the largest, negative values included",
    ],
    [
      tdTargets(max, live, TD_CASE.gamma).map((y, i) => y - TD_CASE.rewards[i]),
      "you left out the reward r",
    ],
  ];
  for (const [wrong, hint] of mistakes) {
    if (allClose(values, wrong)) return notYet(hint);
  }
  return notYet(
    `you return ${showList(values)}, but r + γ (1 − done) max Q(s′, ·) is ${showList(want)}`,
  );
}

// ---------------------------------------------------------------------------------------------

/** The graders: each takes an answer and returns a {@link Verdict} without printing. */
export const grade: {
  readonly exercise1: (answer: ReturnsFunction) => Verdict;
  readonly exercise2: (answer: BellmanBackup) => Verdict;
  readonly exercise3: (answer: TdTargets) => Verdict;
} = Object.freeze({
  exercise1: gradeExercise1,
  exercise2: gradeExercise2,
  exercise3: gradeExercise3,
});

/**
 * The notebook's checks: each prints `✓ right: …` or `✗ not yet: …` with the reason, and never
 * throws, so the notebook runs on with a wrong answer.
 */
export const check: {
  readonly exercise1: (answer: ReturnsFunction) => void;
  readonly exercise2: (answer: BellmanBackup) => void;
  readonly exercise3: (answer: TdTargets) => void;
} = Object.freeze({
  exercise1: checker(gradeExercise1),
  exercise2: checker(gradeExercise2),
  exercise3: checker(gradeExercise3),
});

/** The solutions, for instructors: run `check.exercise1(solutions.exercise1)`. */
export const solutions: {
  readonly exercise1: ReturnsFunction;
  readonly exercise2: BellmanBackup;
  readonly exercise3: TdTargets;
} = Object.freeze({
  // One backward pass: the return from t is r_t plus the discounted return from t + 1.
  exercise1: (rewards: number[], gamma: number) => {
    const out = new Array<number>(rewards.length);
    let g = 0;
    for (let t = rewards.length - 1; t >= 0; t--) out[t] = g = rewards[t] + gamma * g;
    return out;
  },
  // Each action's expected one-step reward plus discounted next value, then the best action.
  exercise2: (world: GridWorld, values: readonly number[], gamma: number, state: number) =>
    Math.max(
      ...[0, 1, 2, 3].map((a) =>
        world.transitions(state, a).reduce(
          (q, t) => q + t.probability * (t.reward + gamma * values[t.next]),
          0,
        )
      ),
    ),
  // No bootstrapping past the end of an episode.
  exercise3: (rewards: number[], nextQ: number[][], terminated: boolean[], gamma: number) =>
    rewards.map((r, i) => terminated[i] ? r : r + gamma * Math.max(...nextQ[i])),
});
