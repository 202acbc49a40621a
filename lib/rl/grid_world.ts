/**
 * A grid world: the smallest Markov decision process worth drawing. An agent walks between the
 * cells of a grid, some cells are walls, some end the episode with a reward, and each move may slip
 * sideways. Its model is known, so value iteration solves it exactly.
 *
 * @module
 */

import { checkDiscount } from "./returns.ts";

/** The four moves, in the order of the action index: up, right, down, left. */
export const GRID_ACTIONS = ["up", "right", "down", "left"] as const;
const MOVES: readonly (readonly [number, number])[] = [[-1, 0], [0, 1], [1, 0], [0, -1]];

/** The layout of a grid world. */
export interface GridWorldSpec {
  /**
   * One string per row: `.` an open cell, `#` a wall, `S` the start (an open cell), and a digit
   * or `+`/`-` for a terminal cell whose reward is given in `terminals`.
   */
  readonly layout: readonly string[];
  /** The reward of entering each terminal cell, keyed by its character in the layout. */
  readonly terminals: Readonly<Record<string, number>>;
  /** The reward of every other move (a small cost pushes the agent to hurry); default 0. */
  readonly stepReward?: number;
  /** The probability that a move slips to each side, at right angles (default 0: deterministic). */
  readonly slip?: number;
}

/** One possible outcome of an action: its probability, the next state and the reward. */
export interface Transition {
  readonly probability: number;
  readonly next: number;
  readonly reward: number;
}

/**
 * A grid world MDP. States are the cells, numbered row by row (walls included, so that a state's
 * number is its cell; walls are never entered). Terminal states have no moves: their value is 0.
 */
export class GridWorld {
  readonly rows: number;
  readonly cols: number;
  readonly cells: readonly string[];
  readonly stepReward: number;
  readonly slip: number;
  readonly terminals: Readonly<Record<string, number>>;

  /** A grid world from its layout; bad layouts throw with what is wrong. */
  constructor(spec: GridWorldSpec) {
    const { layout } = spec;
    if (layout.length === 0 || layout.some((row) => row.length !== layout[0].length)) {
      throw new Error("GridWorld: the layout must be non-empty rows of equal length");
    }
    this.rows = layout.length;
    this.cols = layout[0].length;
    this.cells = layout.join("").split("");
    for (const c of this.cells) {
      if (c !== "." && c !== "#" && c !== "S" && !(c in spec.terminals)) {
        throw new Error(`GridWorld: the layout has '${c}', which is no cell kind nor terminal`);
      }
    }
    this.slip = spec.slip ?? 0;
    if (!(this.slip >= 0 && this.slip <= 0.5)) {
      throw new Error(`GridWorld: slip must be in [0, 0.5], got ${this.slip}`);
    }
    this.stepReward = spec.stepReward ?? 0;
    this.terminals = spec.terminals;
  }

  /** The number of states (cells, walls included). */
  get size(): number {
    return this.cells.length;
  }

  /** Whether state `s` is a wall. */
  isWall(s: number): boolean {
    return this.cells[s] === "#";
  }

  /** Whether state `s` ends the episode. */
  isTerminal(s: number): boolean {
    return this.cells[s] in this.terminals;
  }

  /** The cell one move from `s` in direction `d`; bumping into a wall or the edge stays put. */
  #moved(s: number, d: number): number {
    const r = Math.floor(s / this.cols) + MOVES[d][0], c = (s % this.cols) + MOVES[d][1];
    if (r < 0 || r >= this.rows || c < 0 || c >= this.cols) return s;
    const next = r * this.cols + c;
    return this.isWall(next) ? s : next;
  }

  /**
   * p(s′, r | s, a): the outcomes of action `a` in state `s`. The move goes as intended with
   * probability 1 − 2·slip and to each side at right angles with probability slip.
   */
  transitions(s: number, a: number): Transition[] {
    if (!Number.isInteger(a) || a < 0 || a > 3) {
      throw new Error(`GridWorld.transitions: the action must be 0 to 3, got ${a}`);
    }
    if (!Number.isInteger(s) || s < 0 || s >= this.size) {
      throw new Error(`GridWorld.transitions: no state ${s} in ${this.size}`);
    }
    if (this.isWall(s) || this.isTerminal(s)) return [];
    const outcomes: [number, number][] = [[a, 1 - 2 * this.slip]];
    if (this.slip > 0) outcomes.push([(a + 1) % 4, this.slip], [(a + 3) % 4, this.slip]);
    return outcomes.map(([d, probability]) => {
      const next = this.#moved(s, d);
      const reward = this.isTerminal(next) ? this.terminals[this.cells[next]] : this.stepReward;
      return { probability, next, reward };
    });
  }
}

/** What {@link valueIteration} returns. */
export interface ValueIterationResult {
  /** V*(s) for every state (0 for walls and terminals). */
  readonly values: Float64Array;
  /** Q*(s, a) = Σ p(s′, r | s, a) [r + γ V*(s′)], 4 per state, row after row. */
  readonly qValues: Float64Array;
  /** The greedy action in every state (−1 for walls and terminals). */
  readonly policy: Int8Array;
  /** The sweeps it took. */
  readonly sweeps: number;
  /** max_s |V_{k+1}(s) − V_k(s)| after each sweep: it shrinks at least as fast as γ^k. */
  readonly changes: number[];
}

/**
 * Value iteration: repeats the Bellman optimality update
 * V(s) ← max_a Σ p(s′, r | s, a) [r + γ V(s′)] over all states until no value moves by more than
 * `tolerance`. For γ < 1 the update is a γ-contraction, so it converges to V* from any start.
 */
export function valueIteration(
  world: GridWorld,
  gamma: number,
  tolerance = 1e-12,
  maxSweeps = 10_000,
): ValueIterationResult {
  checkDiscount("valueIteration", gamma);
  if (gamma === 1) throw new Error("valueIteration: use γ < 1, so that the sweeps converge");
  let values = new Float64Array(world.size);
  const qValues = new Float64Array(4 * world.size);
  const changes: number[] = [];
  for (let sweep = 1; sweep <= maxSweeps; sweep++) {
    const next = new Float64Array(world.size);
    let change = 0;
    for (let s = 0; s < world.size; s++) {
      if (world.isWall(s) || world.isTerminal(s)) continue;
      let best = -Infinity;
      for (let a = 0; a < 4; a++) {
        let q = 0;
        for (const t of world.transitions(s, a)) {
          q += t.probability * (t.reward + gamma * values[t.next]);
        }
        qValues[4 * s + a] = q;
        best = Math.max(best, q);
      }
      next[s] = best;
      change = Math.max(change, Math.abs(best - values[s]));
    }
    values = next;
    changes.push(change);
    if (change <= tolerance) break;
  }
  if (changes.at(-1)! > tolerance) {
    throw new Error(`valueIteration: no convergence in ${maxSweeps} sweeps`);
  }
  const policy = new Int8Array(world.size).fill(-1);
  for (let s = 0; s < world.size; s++) {
    if (world.isWall(s) || world.isTerminal(s)) continue;
    const q = qValues.subarray(4 * s, 4 * s + 4);
    policy[s] = q.indexOf(Math.max(...q));
  }
  return { values, qValues, policy, sweeps: changes.length, changes };
}

/**
 * The exact value of a fixed policy: solves the linear Bellman equations
 * V(s) = Σ p(s′, r | s, π(s)) [r + γ V(s′)] by Gaussian elimination. For the greedy policy of
 * value iteration it gives V* again, an independent check that the sweeps found the fixed point.
 */
export function evaluatePolicy(
  world: GridWorld,
  policy: ArrayLike<number>,
  gamma: number,
): Float64Array {
  checkDiscount("evaluatePolicy", gamma);
  const n = world.size;
  if (policy.length !== n) {
    throw new Error(`evaluatePolicy: expected one action per state (${n}), got ${policy.length}`);
  }
  // Rows of [I − γP | r]; walls and terminals get V = 0.
  const a = Array.from({ length: n }, () => new Float64Array(n + 1));
  for (let s = 0; s < n; s++) {
    a[s][s] = 1;
    if (world.isWall(s) || world.isTerminal(s)) continue;
    for (const t of world.transitions(s, policy[s])) {
      a[s][t.next] -= gamma * t.probability;
      a[s][n] += t.probability * t.reward;
    }
  }
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) {
      throw new Error("evaluatePolicy: the Bellman equations are singular (is γ = 1?)");
    }
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < n; r++) {
      if (r === col || a[r][col] === 0) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= n; c++) a[r][c] -= f * a[col][c];
    }
  }
  return Float64Array.from(a, (row, s) => row[n] / row[s]);
}
