/**
 * Confusion matrices: how often each actual class was predicted as each class.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Chart, type ChartOptions, composeChart, DEFAULT_WIDTH } from "./chart.ts";
import { blues, cssColor, isLight } from "./colormap.ts";
import { type NumberList, numberList, sameLength } from "./inputs.ts";
import { renderPlot } from "./plot.ts";
import { textWidth } from "./svg.ts";

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions extends ChartOptions {
  /** Names of the classes 0, 1, …, K-1 (default their numbers; K = the largest class + 1). */
  readonly classNames?: readonly string[];
  /** Shows each row as fractions of its actual class instead of counts. */
  readonly normalize?: boolean;
}

/**
 * A confusion matrix: one row per actual class, one column per predicted class, each cell shaded
 * and annotated with its count (or its share of the row, with `normalize`). The diagonal holds the
 * correct predictions.
 *
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], { classNames: ["cat", "dog", "bird"] });
 * ```
 */
export function confusionMatrix(
  predicted: NumberList,
  actual: NumberList,
  options: ConfusionMatrixOptions = {},
): Chart {
  const helper = "confusionMatrix";
  const pred = numberList(helper, "predicted", predicted);
  const act = numberList(helper, "actual", actual);
  sameLength(helper, { predicted: pred, actual: act });
  const names = options.classNames;
  const largest = Math.max(...pred, ...act);
  const k = names?.length ?? largest + 1;
  for (const [name, list] of [["predicted", pred], ["actual", act]] as const) {
    const bad = list.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= k);
    if (bad >= 0) {
      throw new Error(
        `${helper}: ${name}[${bad}] is ${list[bad]}; classes are whole numbers from 0` +
          (names ? ` to ${k - 1} (options.classNames has ${k} names)` : ""),
      );
    }
  }
  const labels = names ? names.map(String) : Array.from({ length: k }, (_, i) => String(i));
  if (new Set(labels).size !== labels.length) {
    throw new Error(`${helper}: options.classNames has duplicates: ${labels.join(", ")}`);
  }
  const counts = new Array<number>(k * k).fill(0);
  pred.forEach((p, i) => counts[act[i] * k + p]++);
  const rowTotals = Array.from(
    { length: k },
    (_, r) => counts.slice(r * k, (r + 1) * k).reduce((a, b) => a + b, 0),
  );
  const cells = counts.map((count, i) => {
    const r = Math.floor(i / k), c = i % k;
    const value = options.normalize ? (rowTotals[r] > 0 ? count / rowTotals[r] : 0) : count;
    return { actual: labels[r], predicted: labels[c], value, count };
  });
  const top = Math.max(...cells.map((c) => c.value), 1e-12);
  const shade = (v: number) => blues(0.05 + 0.95 * v / top);
  const text = (c: (typeof cells)[number]) =>
    options.normalize
      ? `${(100 * c.value).toFixed(c.value > 0 && c.value < 0.1 ? 1 : 0)}%`
      : String(c.count);
  const width = options.width ?? DEFAULT_WIDTH;
  const marginLeft = Math.max(40, 24 + Math.max(...labels.map((l) => textWidth(l, 10))));
  const frame = Math.min(width - marginLeft - 20, 36 * k + 200);
  return composeChart({
    helper,
    options,
    bodyHeight: frame + 60,
    body: (y, height, width) =>
      renderPlot({
        width,
        height,
        marginLeft,
        marginTop: 16,
        marginBottom: 44,
        marginRight: Math.max(20, width - marginLeft - frame),
        x: {
          domain: labels,
          label: "predicted",
          labelAnchor: "center",
          labelOffset: 36,
          tickSize: 0,
        },
        y: { domain: labels, label: "actual", tickSize: 0 },
        marks: [
          Plot.cell(cells, {
            x: "predicted",
            y: "actual",
            fill: (c) => cssColor(shade(c.value)),
            inset: 0.5,
          }),
          ...[true, false].map((light) =>
            Plot.text(cells.filter((c) => isLight(shade(c.value)) === light), {
              x: "predicted",
              y: "actual",
              text,
              fill: light ? "#1b1e23" : "white",
            })
          ),
        ],
      }, y),
  });
}
