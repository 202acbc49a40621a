/**
 * A generated sequence-to-sequence task: dates written the many ways people write them ("3 March
 * 1996", "Sunday, March 3, 1996", "03.03.96" …) to be rewritten in ISO form ("1996-03-03"). Each
 * output character depends on a few input characters, which move around from format to format:
 * just what attention is for.
 *
 * @module
 */

import { globalRng, type Rng } from "../tensor/random.ts";

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** The parts of a date that its formats write out. */
interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
}

const two = (n: number) => String(n).padStart(2, "0");

/** Every written form, from the parts of a date (the names of the formats are for reading only). */
const FORMATS: readonly ((d: DateParts) => string)[] = [
  (d) => `${d.day} ${MONTHS[d.month - 1]} ${d.year}`, // 3 March 1996
  (d) => `${two(d.day)} ${MONTHS[d.month - 1].slice(0, 3)} ${d.year}`, // 03 Mar 1996
  (d) => `${MONTHS[d.month - 1]} ${d.day}, ${d.year}`, // March 3, 1996
  (d) => `${MONTHS[d.month - 1].slice(0, 3)} ${d.day}, ${d.year}`, // Mar 3, 1996
  (d) => `${WEEKDAYS[d.weekday]}, ${MONTHS[d.month - 1]} ${d.day}, ${d.year}`, // Sunday, March 3, 1996
  (d) => `${WEEKDAYS[d.weekday].slice(0, 3)} ${d.day} ${MONTHS[d.month - 1].slice(0, 3)} ${d.year}`,
  (d) => `${d.day} ${MONTHS[d.month - 1].toLowerCase()} ${two(d.year % 100)}`, // 3 march 96
  (d) => `${two(d.day)}.${two(d.month)}.${d.year}`, // 03.03.1996
  (d) => `${two(d.day)}.${two(d.month)}.${two(d.year % 100)}`, // 03.03.96
  (d) => `${d.day}/${d.month}/${d.year}`, // 3/3/1996 (day first)
  (d) => `${d.year} ${MONTHS[d.month - 1]} ${d.day}`, // 1996 March 3
  (d) => `the ${d.day}${ordinalSuffix(d.day)} of ${MONTHS[d.month - 1]} ${d.year}`,
];

/** "st", "nd", "rd" or "th" after a day of the month. */
function ordinalSuffix(day: number): string {
  if (day % 10 === 1 && day !== 11) return "st";
  if (day % 10 === 2 && day !== 12) return "nd";
  if (day % 10 === 3 && day !== 13) return "rd";
  return "th";
}

/** One example of the task: a date as written, and its ISO form. */
export interface DateExample {
  /** The date as a person might write it, e.g. "Sunday, March 3, 1996". */
  readonly written: string;
  /** The same date as YYYY-MM-DD, e.g. "1996-03-03". */
  readonly iso: string;
}

/** The first and last year of {@link randomDates}: two-digit years 50–99 mean 19xx, 00–49 20xx. */
export const DATE_YEARS: readonly [number, number] = [1950, 2049];

/**
 * `count` random dates between 1 January 1950 and 31 December 2049, each written in one of a dozen
 * formats picked at random, with its ISO form. Two-digit years are unambiguous over that century
 * (50–99 are 19xx, 00–49 are 20xx), so the task has one right answer, which a model must learn.
 *
 * @example
 * ```ts
 * randomDates(2); // [{ written: "03.07.61", iso: "1961-07-03" }, { written: "May 9, 2031", … }]
 * ```
 */
export function randomDates(count: number, rng: Rng = globalRng): DateExample[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(`randomDates: count must be a whole number ≥ 0, got ${count}`);
  }
  const first = Date.UTC(DATE_YEARS[0], 0, 1), last = Date.UTC(DATE_YEARS[1], 11, 31);
  const days = Math.round((last - first) / 86_400_000) + 1;
  return Array.from({ length: count }, () => {
    const date = new Date(first + rng.int(days) * 86_400_000);
    const parts = {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      weekday: date.getUTCDay(),
    };
    const format = FORMATS[rng.int(FORMATS.length)];
    return {
      written: format(parts),
      iso: `${parts.year}-${two(parts.month)}-${two(parts.day)}`,
    };
  });
}
