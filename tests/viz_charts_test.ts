/**
 * The chart helpers: each renders one standalone SVG (root <svg> with xmlns, size and viewBox),
 * parsed back here with linkedom to count its marks (a path per series, a circle per point, cells,
 * legend entries, log ticks); the same input gives the same bytes; bad input gives an error that
 * names the helper and the argument.
 */

import assert from "node:assert/strict";
import { DOMParser } from "linkedom";
import {
  barChart,
  Chart,
  confusionMatrix,
  decisionBoundary,
  errorSurface,
  heatmap,
  imageGrid,
  lineChart,
  scatter,
  tensor,
} from "../lib/mod.ts";

/** The part of linkedom's DOM the tests read. */
interface Node {
  readonly tagName: string;
  readonly textContent: string;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<Node>;
}

/** The chart's SVG parsed as XML, after the checks every chart must pass. */
function parse(chart: Chart): Node {
  assert.ok(chart instanceof Chart);
  const svg = chart.svg;
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.doesNotMatch(svg, /<figure|<div|<style|class="plot-/, "pure SVG, no HTML or stylesheet");
  // Only XML's own entities and numeric ones: an HTML entity such as &nbsp; breaks image/svg+xml.
  assert.doesNotMatch(svg, /&(?!amp;|lt;|gt;|quot;|apos;|#\d+;|#x[0-9a-fA-F]+;)/);
  assert.doesNotMatch(svg, /(?:href|url\()\s*=?\s*"?(?:https?:|\/\/)/, "nothing external");
  const root = (new DOMParser().parseFromString(svg, "image/svg+xml") as unknown as {
    documentElement: Node;
  }).documentElement;
  assert.equal(root.tagName.toLowerCase(), "svg");
  const width = Number(root.getAttribute("width")), height = Number(root.getAttribute("height"));
  assert.ok(width > 0 && height > 0, `size ${width}×${height}`);
  assert.equal(root.getAttribute("viewBox"), `0 0 ${width} ${height}`);
  assert.equal(chart.width, width);
  assert.equal(chart.height, height);
  const bundle = (chart as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert.deepEqual(bundle, { "text/html": svg, "image/svg+xml": svg });
  return root;
}

function count(root: Node, selector: string): number {
  return root.querySelectorAll(selector).length;
}

function texts(root: Node, selector: string): string[] {
  return Array.from(root.querySelectorAll(selector), (n) => n.textContent);
}

function legendLabels(root: Node): string[] {
  return texts(root, 'g[aria-label="legend"] text');
}

Deno.test("lineChart: one path per named series, a legend, and the same bytes twice", () => {
  const series = { train: [1, 0.5, 0.3, 0.2], validation: [1.1, 0.7, 0.5, 0.45] };
  const options = { title: "Loss <curves> & more", xLabel: "epoch", yLabel: "loss" };
  const chart = lineChart(series, options);
  const root = parse(chart);
  assert.equal(count(root, 'g[aria-label="line"] path'), 2);
  assert.deepEqual(legendLabels(root), ["train", "validation"]);
  assert.equal(count(root, 'g[aria-label="dot"] circle'), 8, "short series get a dot per point");
  assert.ok(texts(root, "text").includes("Loss <curves> & more"), "the title, escaped and back");
  assert.equal(lineChart(series, options).svg, chart.svg);

  // One series: no legend, and its name labels the y axis.
  const single = parse(lineChart({ mistakes: [5, 3, 0] }));
  assert.equal(count(single, 'g[aria-label="legend"]'), 0);
  assert.ok(texts(single, 'g[aria-label="y-axis label"] text')[0].includes("mistakes"));
});

Deno.test("lineChart: {name, x, y} series, rows, and log-scale ticks at powers of ten", () => {
  const x = Array.from({ length: 50 }, (_, i) => i / 10);
  const root = parse(lineChart([
    { name: "a", x, y: x.map((v) => Math.exp(-v)) },
    { name: "b", x: tensor(x), y: tensor(x.map((v) => 2 * Math.exp(-2 * v))) },
  ], { logY: true }));
  assert.equal(count(root, 'g[aria-label="line"] path'), 2);
  assert.equal(count(root, 'g[aria-label="dot"]'), 0, "no dots on long series");
  const ticks = texts(root, 'g[aria-label="y-axis tick label"] text');
  assert.deepEqual(ticks, ["0.0001", "0.001", "0.01", "0.1", "1", "10"]);

  const rows = [{ step: 0, loss: 1, acc: 0.5 }, { step: 10, loss: 0.5, acc: 0.8 }];
  const fromRows = parse(lineChart(rows, { y: ["loss"] }));
  assert.equal(count(fromRows, 'g[aria-label="line"] path'), 1);
  assert.deepEqual(legendLabels(parse(lineChart(rows))), ["loss", "acc"]);
  // Long format: a text field names each row's series.
  const long = [
    { step: 0, loss: 1, series: "train" },
    { step: 0, loss: 1.2, series: "validation" },
    { step: 1, loss: 0.5, series: "train" },
    { step: 1, loss: 0.7, series: "validation" },
  ];
  const fromLong = parse(lineChart(long));
  assert.equal(count(fromLong, 'g[aria-label="line"] path'), 2);
  assert.deepEqual(legendLabels(fromLong), ["train", "validation"]);
  assert.throws(
    () => lineChart(long.map((r) => ({ ...r, acc: 0.5 }))),
    /lineChart: rows with the series field "series" need one value field, found loss, acc/,
  );

  // A diverged value leaves a gap: the line splits into two pieces ("M" starts each).
  const gap = parse(lineChart({ loss: [1, 0.5, NaN, 0.4, 0.3] }));
  const d = root.querySelectorAll('g[aria-label="line"] path')[0].getAttribute("d")!;
  assert.equal(d.match(/M/g)!.length, 1);
  const split = gap.querySelectorAll('g[aria-label="line"] path')[0].getAttribute("d")!;
  assert.equal(split.match(/M/g)!.length, 2);
});

Deno.test("lineChart: clear errors", () => {
  assert.throws(() => lineChart({}), /lineChart: series is empty/);
  assert.throws(() => lineChart({ loss: [] }), /lineChart: series "loss" is empty/);
  assert.throws(
    () => lineChart([{ name: "a", x: [1, 2, 3], y: [1, 2] }]),
    /lineChart: series "a"\.y has 2 values but series "a"\.x has 3/,
  );
  assert.throws(
    () => lineChart([{ name: "a", x: [1, NaN], y: [1, 2] }]),
    /lineChart: series "a"\.x\[1\] is NaN/,
  );
  assert.throws(() => lineChart({ loss: [0, -1] }, { logY: true }), /on a log scale/);
  assert.throws(() => lineChart({ a: [1] }, { width: 10 }), /lineChart: options\.width/);
  assert.throws(() => lineChart({ a: [1] }, { title: "t", height: 100 }), /options\.height/);
});

Deno.test("scatter: a circle per point, coloured by class, with a legend", () => {
  const points = { x: [1, 2, 3, 4, 5], y: [2, 1, 4, 3, 5], label: [1, 0, 1, 0, 2] };
  const chart = scatter(points, { xLabel: "sleep", yLabel: "study" });
  const root = parse(chart);
  const dots = Array.from(root.querySelectorAll('g[aria-label="dot"] circle'));
  assert.equal(dots.length, 5);
  assert.equal(new Set(dots.map((d) => d.getAttribute("fill"))).size, 3);
  assert.equal(dots[0].getAttribute("fill"), dots[2].getAttribute("fill"));
  assert.deepEqual(legendLabels(root), ["0", "1", "2"]);
  assert.equal(scatter(points, { xLabel: "sleep", yLabel: "study" }).svg, chart.svg);

  const plain = parse(scatter({ x: tensor([1, 2]), y: [3, 4] }));
  assert.equal(count(plain, 'g[aria-label="dot"] circle'), 2);
  assert.equal(count(plain, 'g[aria-label="legend"]'), 0);

  assert.throws(() => scatter({ x: [1, 2], y: [1] }), /scatter: points\.y has 1 values but/);
  assert.throws(
    () => scatter({ x: [1, 2], y: [1, 2], label: [0] }),
    /scatter: points\.label has 1 values but points\.x has 2/,
  );
  assert.throws(
    () => scatter({ x: [1, Infinity], y: [1, 2] }),
    /scatter: points\.x\[1\] is Infinity/,
  );
  assert.throws(() => scatter({ x: [], y: [] }), /scatter: points\.x is empty/);
});

/** Width and height from a PNG data URL's IHDR chunk. */
function pngSize(href: string): [number, number] {
  const bytes = Uint8Array.from(atob(href.split(",")[1]), (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return [view.getUint32(16), view.getUint32(20)];
}

Deno.test("heatmap: one pixel per entry, a colour legend, values written in small matrices", () => {
  const w = [[-1, 0.5, 2], [0, 1.25, -0.75]];
  const chart = heatmap(w, { title: "W", colorLabel: "weight" });
  const root = parse(chart);
  const images = root.querySelectorAll('g[aria-label="image"] image');
  assert.equal(images.length, 1);
  assert.deepEqual(pngSize(images[0].getAttribute("href")!), [3, 2]);
  assert.equal(count(root, 'g[aria-label="color legend"] image'), 1);
  assert.ok(texts(root, 'g[aria-label="color legend"] text').includes("weight"));
  const written = texts(root, 'g[aria-label="text"] text').sort();
  assert.deepEqual(written, ["-0.75", "-1", "0", "0.5", "1.25", "2"]);
  assert.equal(heatmap(w, { title: "W", colorLabel: "weight" }).svg, chart.svg);

  // 13 × 12 = 156 cells: too many to write in.
  const big = parse(
    heatmap(
      tensor(Array.from({ length: 13 }, (_, r) => Array.from({ length: 12 }, (_, c) => r * c))),
    ),
  );
  assert.equal(count(big, 'g[aria-label="text"] text'), 0);
  assert.deepEqual(pngSize(big.querySelectorAll("image")[1].getAttribute("href")!), [12, 13]);
});

Deno.test("heatmap: clear errors", () => {
  assert.throws(() => heatmap([]), /heatmap: values must be a non-empty array of rows/);
  assert.throws(() => heatmap([[1, 2], [3]]), /heatmap: values rows differ in length/);
  assert.throws(() => heatmap([[1, NaN]]), /heatmap: values\[0\]\[1\] is NaN/);
  assert.throws(() => heatmap(tensor([[[1, 2]], [[3, 4]]])), /heatmap: values must be 2-D/);
});

Deno.test("imageGrid: an <image> per picture, captions, and [N, C, H, W] tensors", () => {
  const digits = Array.from(
    { length: 5 },
    (_, i) =>
      Array.from({ length: 28 }, (_, r) => Array.from({ length: 28 }, (_, c) => (r + c + i) % 2)),
  );
  const chart = imageGrid(digits, {
    columns: 3,
    captions: ["0", "1", "2", "3", "4"],
    title: "Digits",
  });
  const root = parse(chart);
  const images = root.querySelectorAll('g[aria-label="images"] image');
  assert.equal(images.length, 5);
  assert.deepEqual(pngSize(images[0].getAttribute("href")!), [28, 28]);
  assert.deepEqual(texts(root, 'g[aria-label="images"] text'), ["0", "1", "2", "3", "4"]);
  // Two rows of three: the fourth image starts the second row.
  assert.equal(images[3].getAttribute("x"), images[0].getAttribute("x"));
  assert.ok(Number(images[3].getAttribute("y")) > Number(images[0].getAttribute("y")));
  assert.equal(
    imageGrid(digits, { columns: 3, captions: ["0", "1", "2", "3", "4"], title: "Digits" }).svg,
    chart.svg,
  );

  const rgb = parse(
    imageGrid(tensor(Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i % 7)).reshape([2, 3, 4, 5])),
  );
  const tiles = rgb.querySelectorAll('g[aria-label="images"] image');
  assert.equal(tiles.length, 2);
  assert.deepEqual(pngSize(tiles[1].getAttribute("href")!), [5, 4]);
  assert.equal(count(parse(imageGrid(tensor([[1, 2], [3, 4]]))), "image"), 1, "one [H, W] image");

  assert.throws(
    () => imageGrid(digits, { captions: ["a"] }),
    /imageGrid: options\.captions has 1 entries for 5 images/,
  );
  assert.throws(
    () => imageGrid([[[1, 2]], [[1, 2, 3]]]),
    /imageGrid: images\[1\] is 1×1×3 but images\[0\] is 1×1×2/,
  );
  assert.throws(
    () => imageGrid(tensor([1, 2, 3])),
    /imageGrid: images must be a tensor \[N, H, W\]/,
  );
  assert.throws(() => imageGrid([[[1, NaN]]]), /imageGrid: images\[0\] has NaN/);
  assert.throws(() => imageGrid([]), /imageGrid: images must be a non-empty list/);
});

Deno.test("errorSurface: filled contours, paths with start and end marks, stable clip ids", () => {
  const f = (x: number, y: number) => x * x + 4 * y * y;
  const paths = [
    { name: "SGD", points: [[2, 1], [1, 0.2], [0.5, 0.05], [0, 0]] as [number, number][] },
    { name: "Adam", points: [[-2, 1], [-1, 0.5], [3, 3]] as [number, number][] },
  ];
  const options = {
    x: [-2.5, 2.5] as [number, number],
    y: [-1.5, 1.5] as [number, number],
    paths,
    resolution: 30,
  };
  const chart = errorSurface(f, options);
  const root = parse(chart);
  assert.ok(count(root, 'g[aria-label="contour"] path') >= 5, "several filled levels");
  assert.equal(count(root, 'g[aria-label="line"]'), 4, "a halo and a line per path");
  assert.equal(count(root, 'g[aria-label="dot"] circle'), 4, "a start and an end per path");
  assert.deepEqual(legendLabels(root), ["SGD", "Adam", "○ start  ● end"]);
  assert.ok(texts(root, 'g[aria-label="color legend"] text').includes("error"));
  // Plot numbers clip paths from a process-wide counter; the chart renames them from its content.
  assert.match(chart.svg, /clip-path="url\(#fdl-[0-9a-f]{8}-\d+\)"/);
  assert.doesNotMatch(chart.svg, /plot-clip-/);
  assert.equal(errorSurface(f, options).svg, chart.svg);

  // A grid of values, log colours.
  const grid = Array.from(
    { length: 10 },
    (_, r) => Array.from({ length: 12 }, (_, c) => 1 + r * c),
  );
  const logRoot = parse(errorSurface(grid, { x: [0, 1], y: [0, 1], logColor: true }));
  assert.ok(count(logRoot, 'g[aria-label="contour"] path') > 0);
  assert.equal(count(logRoot, 'g[aria-label="legend"]'), 0, "no path legend without paths");

  assert.throws(
    () => errorSurface(f, { x: [1, 0], y: [0, 1] }),
    /errorSurface: options\.x must be \[min, max\]/,
  );
  assert.throws(
    () => errorSurface((x) => (x > 0 ? NaN : x), { x: [-1, 1], y: [0, 1], resolution: 2 }),
    /errorSurface: f\(0\.5000, 0\.2500\) returned NaN; the surface must be a finite number/,
  );
  assert.throws(
    () => errorSurface((x, y) => f(x, y) - 0.5, { x: [-1, 1], y: [-1, 1], logColor: true }),
    /errorSurface: options\.logColor needs values > 0/,
  );
  assert.throws(
    () => errorSurface(f, { x: [-1, 1], y: [-1, 1], paths: [{ name: "bad", points: [[0, NaN]] }] }),
    /errorSurface: path "bad" point 0 is \[0,null\]/,
  );
});

Deno.test("decisionBoundary: predicted classes as merged cells, points on top", () => {
  const points = { x: [0, 0, 1, 1], y: [0, 1, 0, 1], label: [0, 1, 1, 0] };
  // Class 1 right of x = 0.5: each of the 10 rows is one run of 0s and one of 1s.
  const chart = decisionBoundary((x) => (x > 0.5 ? 1 : 0), points, {
    x: [0, 1],
    y: [0, 1],
    resolution: 10,
  });
  const root = parse(chart);
  const cells = Array.from(root.querySelectorAll('g[aria-label="rect"] rect'));
  assert.equal(cells.length, 20);
  assert.equal(count(root, 'g[aria-label="dot"] circle'), 4);
  assert.deepEqual(legendLabels(root), ["0", "1"]);
  assert.equal(
    decisionBoundary((x) => (x > 0.5 ? 1 : 0), points, { x: [0, 1], y: [0, 1], resolution: 10 })
      .svg,
    chart.svg,
  );

  // Probabilities of class 1 are thresholded at 0.5; string labels are indexed in order seen.
  const probs = parse(
    decisionBoundary((_x, y) => y, points, { x: [0, 1], y: [0, 1], resolution: 4 }),
  );
  assert.equal(count(probs, 'g[aria-label="rect"] rect'), 4, "one run per row");
  const named = parse(
    decisionBoundary((x) => (x > 0.5 ? 1 : 0), { x: [0, 1], y: [0, 0], label: ["no", "yes"] }, {
      resolution: 6,
    }),
  );
  assert.deepEqual(legendLabels(named), ["no", "yes"]);

  assert.throws(
    () => decisionBoundary(() => 2.5, points),
    /decisionBoundary: predict\(.*\) returned 2\.5; return a class/,
  );
  assert.throws(
    () => decisionBoundary(() => 3, { x: [0], y: [0], label: ["a"] }),
    /decisionBoundary: predict\(.*\) returned class 3; with text labels it returns a class's index, from 0 to 0 \(a\)/,
  );
  assert.throws(
    () => decisionBoundary(() => 0, { x: [0, 1], y: [0, 1] }),
    /decisionBoundary: points\.label is required/,
  );
  assert.throws(
    () => decisionBoundary(() => 0, points, { resolution: 1 }),
    /decisionBoundary: options\.resolution must be a whole number from 2 to 500/,
  );
});

Deno.test("barChart: a bar and a written value per entry, in the given order", () => {
  const chart = barChart({ SGD: 0.91, Momentum: 0.95, Adam: 0.97 }, { title: "Accuracy" });
  const root = parse(chart);
  assert.equal(count(root, 'g[aria-label="bar"] rect'), 3);
  assert.deepEqual(texts(root, 'g[aria-label="x-axis tick label"] text'), [
    "SGD",
    "Momentum",
    "Adam",
  ]);
  assert.deepEqual(texts(root, 'g[aria-label="text"] text'), ["0.91", "0.95", "0.97"]);
  assert.equal(
    barChart({ SGD: 0.91, Momentum: 0.95, Adam: 0.97 }, { title: "Accuracy" }).svg,
    chart.svg,
  );
  const list = parse(
    barChart([{ label: "b", value: -1 }, { label: "a", value: 2 }], { values: false }),
  );
  assert.equal(count(list, 'g[aria-label="bar"] rect'), 2);
  assert.equal(count(list, 'g[aria-label="text"]'), 0);

  assert.throws(() => barChart({}), /barChart: data is empty/);
  assert.throws(() => barChart({ a: NaN }), /barChart: the value of "a" is NaN/);
  assert.throws(
    () => barChart([{ label: "a", value: 1 }, { label: "a", value: 2 }]),
    /barChart: two bars are labelled "a"/,
  );
});

Deno.test("confusionMatrix: K×K annotated cells with counts, rows actual, columns predicted", () => {
  const predicted = [0, 1, 1, 2, 2, 2, 0];
  const actual = [0, 1, 2, 2, 2, 1, 0];
  const chart = confusionMatrix(predicted, actual, { classNames: ["cat", "dog", "bird"] });
  const root = parse(chart);
  assert.equal(count(root, 'g[aria-label="cell"] rect'), 9);
  const written = texts(root, 'g[aria-label="text"] text').map(Number);
  assert.equal(written.length, 9);
  assert.equal(written.reduce((a, b) => a + b, 0), 7, "every prediction counted once");
  assert.deepEqual(written.sort(), [0, 0, 0, 0, 1, 1, 1, 2, 2]);
  assert.deepEqual(texts(root, 'g[aria-label="x-axis tick label"] text'), ["cat", "dog", "bird"]);
  assert.equal(
    confusionMatrix(predicted, actual, { classNames: ["cat", "dog", "bird"] }).svg,
    chart.svg,
  );

  // Rows as shares of each actual class: class 0 split half and half, class 1 always right.
  const normalized = confusionMatrix(tensor([0, 1, 1, 1]), tensor([0, 1, 1, 0]), {
    normalize: true,
  });
  const shares = texts(parse(normalized), 'g[aria-label="text"] text');
  assert.deepEqual(shares.sort(), ["0%", "100%", "50%", "50%"]);

  assert.throws(
    () => confusionMatrix([0, 1], [0]),
    /confusionMatrix: actual has 1 values but predicted has 2/,
  );
  assert.throws(
    () => confusionMatrix([0, 1.5], [0, 1]),
    /confusionMatrix: predicted\[1\] is 1\.5; classes are whole numbers/,
  );
  assert.throws(
    () => confusionMatrix([0, 3], [0, 1], { classNames: ["a", "b"] }),
    /confusionMatrix: predicted\[1\] is 3; classes are whole numbers from 0 to 1/,
  );
});
