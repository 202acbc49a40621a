/**
 * Line charts: learning curves, activation functions, anything that varies along one axis.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import {
  type AxisOptions,
  type Chart,
  type ChartOptions,
  composeChart,
  DEFAULT_WIDTH,
} from "./chart.ts";
import { paletteColor } from "./colormap.ts";
import { isTensor, type NumberList, numberList, sameLength } from "./inputs.ts";
import { swatchLegend } from "./legend.ts";
import { renderPlot } from "./plot.ts";
import { formatTick, logTicks } from "./ticks.ts";

/** One named series with its own x values. */
export interface Series {
  /** The legend entry. */
  readonly name: string;
  /** Positions along the horizontal axis. */
  readonly x: NumberList;
  /** Values, one per x. */
  readonly y: NumberList;
}

/**
 * What `lineChart` draws:
 * - `{ train: [...], validation: [...] }`: named series against their index;
 * - `[{ name, x, y }, ...]`: named series with their own x values;
 * - `[{ step: 1, loss: 0.9 }, ...]`: rows (a training history); `options.x` names the x field
 *   (default "step", else the row index) and every other field is a series, or those in `options.y`;
 * - `[{ step: 1, loss: 0.9, series: "train" }, ...]`: rows in long format, where a text field
 *   (`options.series`) names each row's series.
 */
export type LineData =
  | Readonly<Record<string, NumberList>>
  | readonly Series[]
  | readonly Readonly<Record<string, number | string>>[];

/** Options of {@link lineChart}. */
export interface LineChartOptions extends ChartOptions, AxisOptions {
  /** Draws the vertical axis on a log scale (losses over orders of magnitude). */
  readonly logY?: boolean;
  /** For rows: the field along the horizontal axis (default "step"). */
  readonly x?: string;
  /** For rows: the fields to draw (default all but `x`). */
  readonly y?: readonly string[];
  /** For rows in long format: the field naming each row's series (default: the one text field). */
  readonly series?: string;
  /** For named arrays: the x of the first value (default 0; 1 counts epochs from one). */
  readonly xStart?: number;
  /** Shows the legend; by default when there are two or more series. */
  readonly legend?: boolean;
  /** Marks every point with a dot; by default when no series has more than 40 points. */
  readonly dots?: boolean;
}

/** The most points a series may have for dots to be drawn by default. */
const DOTS_UP_TO = 40;

/**
 * A line chart of one or more named series, with a legend when there are several. Non-finite
 * values (a diverged loss), and values ≤ 0 on a log scale, leave gaps in their line.
 *
 * @example
 * ```ts
 * lineChart({ train: trainLosses, validation: valLosses }, {
 *   title: "Learning curves", xLabel: "epoch", yLabel: "loss", logY: true,
 * });
 * ```
 */
export function lineChart(data: LineData, options: LineChartOptions = {}): Chart {
  const series = toSeries(data, options);
  const names = series.map((s) => s.name);
  const rows: { x: number; y: number; series: string }[] = [];
  for (const s of series) {
    s.x.forEach((x, i) => {
      const y = s.y[i];
      // NaN makes Plot break the line here instead of joining across the missing value.
      const drawable = Number.isFinite(y) && (!options.logY || y > 0);
      rows.push({ x, y: drawable ? y : NaN, series: s.name });
    });
  }
  const finiteY = rows.map((r) => r.y).filter(Number.isFinite);
  if (finiteY.length === 0) {
    throw new Error(
      `lineChart: no value can be drawn${
        options.logY ? " on a log scale (all ≤ 0 or non-finite)" : " (all non-finite)"
      }`,
    );
  }
  const showLegend = options.legend ?? series.length > 1;
  const dots = options.dots ?? series.every((s) => s.x.length <= DOTS_UP_TO);
  const color = { domain: names, range: names.map((_, i) => paletteColor(i)) };
  const yLabel = options.yLabel ?? (series.length === 1 ? names[0] : undefined);
  const yScale = options.logY ? logAxis(finiteY) : { nice: true };
  return composeChart({
    helper: "lineChart",
    options,
    legends: showLegend
      ? [
        swatchLegend(
          series.map((s, i) => ({ label: s.name, color: paletteColor(i), glyph: "line" })),
          options.width ?? DEFAULT_WIDTH,
        ),
      ]
      : [],
    body: (y, height, width) =>
      renderPlot({
        width,
        height,
        grid: true,
        color,
        x: { label: options.xLabel ?? null },
        y: { label: yLabel ?? null, ...yScale },
        marks: [
          Plot.line(rows, { x: "x", y: "y", z: "series", stroke: "series", strokeWidth: 1.75 }),
          ...(dots ? [Plot.dot(rows, { x: "x", y: "y", fill: "series", r: 2.5 })] : []),
        ],
      }, y),
  });
}

/**
 * A log-scale y axis from the power of ten below the values to the one above, with ticks at powers
 * of ten (and 2×, 5× over short ranges), plainly labelled.
 */
function logAxis(values: number[]) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const first = Math.floor(Math.log10(lo));
  const last = Math.max(first + 1, Math.ceil(Math.log10(hi)));
  const domain = [Number(`1e${first}`), Number(`1e${last}`)];
  return {
    type: "log" as const,
    domain,
    ticks: logTicks(domain[0], domain[1]),
    tickFormat: formatTick,
  };
}

interface ResolvedSeries {
  name: string;
  x: number[];
  y: number[];
}

function toSeries(data: LineData, options: LineChartOptions): ResolvedSeries[] {
  if (data === null || typeof data !== "object") {
    throw new Error(`lineChart: series must be an object of named arrays or an array, got ${data}`);
  }
  if (!Array.isArray(data)) {
    const entries = Object.entries(data as Record<string, NumberList>);
    if (entries.length === 0) throw new Error("lineChart: series is empty; give at least one");
    const start = options.xStart ?? 0;
    return entries.map(([name, values]) => {
      const y = numberList("lineChart", `series "${name}"`, values, { finite: false });
      return { name, x: y.map((_, i) => start + i), y };
    });
  }
  if (data.length === 0) throw new Error("lineChart: series is empty; give at least one");
  const first = data[0] as Record<string, unknown>;
  const isSeries = typeof first === "object" && first !== null && "name" in first && "y" in first &&
    (isTensor(first.y) || typeof first.y === "object");
  return isSeries
    ? fromSeries(data as readonly Series[])
    : fromRows(data as readonly Row[], options);
}

function fromSeries(list: readonly Series[]): ResolvedSeries[] {
  const seen = new Set<string>();
  return list.map((s, i) => {
    if (typeof s?.name !== "string" || s.name === "") {
      throw new Error(`lineChart: series[${i}].name must be a non-empty string`);
    }
    if (seen.has(s.name)) throw new Error(`lineChart: two series are named "${s.name}"`);
    seen.add(s.name);
    const x = numberList("lineChart", `series "${s.name}".x`, s.x);
    const y = numberList("lineChart", `series "${s.name}".y`, s.y, { finite: false });
    sameLength("lineChart", { [`series "${s.name}".x`]: x, [`series "${s.name}".y`]: y });
    return { name: s.name, x, y };
  });
}

/** A row of a table: numbers, and perhaps the name of the row's series. */
type Row = Readonly<Record<string, number | string>>;

function fromRows(rows: readonly Row[], options: LineChartOptions): ResolvedSeries[] {
  rows.forEach((r, i) => {
    if (r === null || typeof r !== "object") {
      throw new Error(
        `lineChart: rows[${i}] is ${r}; rows are objects like { step: 1, loss: 0.5 }`,
      );
    }
  });
  const xField = options.x ?? "step";
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const textFields = keys.filter((k) => rows.some((r) => typeof r[k] === "string"));
  const seriesField = options.series ?? (textFields.length === 1 ? textFields[0] : undefined);
  const stray = textFields.find((f) => f !== seriesField);
  if (stray !== undefined) {
    throw new Error(
      `lineChart: the rows' field "${stray}" holds text; only the series field (options.series) may`,
    );
  }
  if (seriesField === undefined) {
    return columns(rows, xField, options.y ?? keys.filter((k) => k !== xField));
  }
  // Long format, { step, loss, series: "train" }: one value field, split by the series field.
  const fields = options.y ?? keys.filter((k) => k !== xField && k !== seriesField);
  if (fields.length !== 1) {
    throw new Error(
      `lineChart: rows with the series field "${seriesField}" need one value field, found ` +
        `${fields.join(", ") || "none"}; choose one with options.y`,
    );
  }
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const name = String(r[seriesField]);
    groups.set(name, [...(groups.get(name) ?? []), r]);
  }
  return [...groups].map(([name, group]) => ({ ...columns(group, xField, fields)[0], name }));
}

/** A series per field of `rows`, against the x field (or the row index when no row has it). */
function columns(
  rows: readonly Row[],
  xField: string,
  fields: readonly string[],
): ResolvedSeries[] {
  const withX = rows.filter((r) => xField in r).length;
  if (withX !== 0 && withX !== rows.length) {
    throw new Error(`lineChart: only ${withX} of ${rows.length} rows have the x field "${xField}"`);
  }
  if (fields.length === 0) {
    throw new Error(`lineChart: the rows have no field to draw besides "${xField}"`);
  }
  const x = withX === 0
    ? rows.map((_, i) => i)
    : numberList("lineChart", `rows' "${xField}"`, rows.map((r) => r[xField] as number));
  return fields.map((name) => {
    const y = rows.map((r, i) => {
      const v = r[name];
      if (v !== undefined && typeof v !== "number") {
        throw new Error(`lineChart: rows[${i}].${name} is ${JSON.stringify(v)}, not a number`);
      }
      return v ?? NaN;
    });
    return { name, x, y };
  });
}
