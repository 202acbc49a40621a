/**
 * The chapters' exercises. Each chapter's namespace has `check.exerciseN(answer)`, which prints
 * `✓ right: …` or `✗ not yet: …` with the reason (and never throws, so a notebook runs on with a
 * wrong answer), `grade.exerciseN(answer)`, which returns that {@link Verdict} without printing,
 * and `solutions.exerciseN`, for instructors.
 *
 * @example
 * ```ts
 * import { chapter01 } from "../lib/exercises/mod.ts";
 * chapter01.check.exercise2(chapter01.solutions.exercise2); // ✓ right: your network outputs …
 * ```
 *
 * @module
 */

export * as chapter01 from "./chapter01.ts";
export * as chapter02 from "./chapter02.ts";
export * as chapter03 from "./chapter03.ts";
export * as chapter04 from "./chapter04.ts";
export * as chapter05 from "./chapter05.ts";
export * as chapter06 from "./chapter06.ts";
export * as chapter07 from "./chapter07.ts";
export * as chapter08 from "./chapter08.ts";
export * as chapter09 from "./chapter09.ts";
export * as chapter10 from "./chapter10.ts";
export * as chapter11 from "./chapter11.ts";
export * as chapter12 from "./chapter12.ts";
export { formatVerdict, type Verdict } from "./verdict.ts";
