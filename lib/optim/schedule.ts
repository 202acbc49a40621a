/**
 * Learning-rate schedules: plain functions from the step (or epoch) index t = 0, 1, 2, … to a rate.
 * Apply one by setting `opt.lr = schedule(t)` before step t, or with {@link applySchedule}; the
 * trainer takes one as its `schedule` option, per epoch or per step.
 *
 * @example
 * ```ts
 * const schedule = linearWarmup(100, cosineAnnealing(0.1, 900, 1e-4));
 * for (let t = 0; t < 1000; t++) {
 *   applySchedule(opt, schedule, t);
 *   // ... forward, backward, opt.step()
 * }
 * ```
 *
 * @module
 */

import { nonNegative, positive, positiveInteger } from "./validate.ts";

/** A learning rate for each step (or epoch) index t ≥ 0, counted from 0. */
export type Schedule = (t: number) => number;

/** The same rate at every step: η(t) = lr. */
export function constantLr(lr: number): Schedule {
  nonNegative("constantLr", "lr", lr);
  return (t) => {
    checkIndex("constantLr", t);
    return lr;
  };
}

/**
 * Step decay: multiply by γ every `stepSize` steps, η(t) = lr·γ^⌊t / stepSize⌋. For example
 * `stepDecay(0.1, 30)` gives 0.1 for t < 30, 0.01 for 30 ≤ t < 60, and so on.
 */
export function stepDecay(lr: number, stepSize: number, gamma = 0.1): Schedule {
  nonNegative("stepDecay", "lr", lr);
  positiveInteger("stepDecay", "stepSize", stepSize);
  positive("stepDecay", "gamma", gamma);
  return (t) => {
    checkIndex("stepDecay", t);
    return lr * gamma ** Math.floor(t / stepSize);
  };
}

/** Exponential decay by γ per step: η(t) = lr·γᵗ. */
export function exponentialDecay(lr: number, gamma: number): Schedule {
  nonNegative("exponentialDecay", "lr", lr);
  positive("exponentialDecay", "gamma", gamma);
  return (t) => {
    checkIndex("exponentialDecay", t);
    return lr * gamma ** t;
  };
}

/**
 * Cosine annealing (Loshchilov & Hutter, 2017, without restarts) from `lr` down to a floor over
 * `period` steps, then staying at the floor:
 *
 * η(t) = minLr + (lr − minLr)·(1 + cos(π·min(t, T) / T)) / 2
 *
 * So η(0) = lr, η(T/2) is halfway, and η(t) = minLr for t ≥ T. (PyTorch's `CosineAnnealingLR`
 * climbs back up after T; holding the floor is what a fixed training budget wants.)
 */
export function cosineAnnealing(lr: number, period: number, minLr = 0): Schedule {
  nonNegative("cosineAnnealing", "lr", lr);
  positive("cosineAnnealing", "period", period);
  nonNegative("cosineAnnealing", "minLr", minLr);
  return (t) => {
    checkIndex("cosineAnnealing", t);
    return minLr + (lr - minLr) * (1 + Math.cos(Math.PI * Math.min(t, period) / period)) / 2;
  };
}

/**
 * Linear warmup in front of another schedule: for the first `warmup` steps the rate climbs in
 * equal parts to `after(0)`, then `after` runs as if starting at 0:
 *
 * η(t) = after(0)·(t + 1) / W for t < W;  η(t) = after(t − W) for t ≥ W
 *
 * With W = 4 and after(0) = 0.1 the rates are 0.025, 0.05, 0.075, 0.1, then after(0), after(1), …
 * Starting at after(0)/W rather than 0 means no step is wasted at a zero rate. Warmup keeps the
 * first updates small while Adam's moment estimates, or a large batch's statistics, settle.
 */
export function linearWarmup(warmup: number, after: Schedule): Schedule {
  positiveInteger("linearWarmup", "warmup", warmup);
  return (t) => {
    checkIndex("linearWarmup", t);
    return t < warmup ? after(0) * (t + 1) / warmup : after(t - warmup);
  };
}

/**
 * Sets `optimizer.lr = schedule(t)` and returns that rate. Any object with a settable `lr` works,
 * so this serves every optimizer here.
 */
export function applySchedule(optimizer: { lr: number }, schedule: Schedule, t: number): number {
  const lr = schedule(t);
  optimizer.lr = lr;
  return lr;
}

/** Throws unless t is a valid step index: finite and ≥ 0. */
function checkIndex(name: string, t: number): void {
  if (!(Number.isFinite(t) && t >= 0)) {
    throw new Error(`${name}: the step index must be a finite number >= 0, got ${t}`);
  }
}
