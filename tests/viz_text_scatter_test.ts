/** textScatter: a dot and a text per point, coloured by class, and errors that name the fault. */

import assert from "node:assert/strict";
import { DOMParser } from "linkedom";
import { Chart, textScatter } from "../lib/mod.ts";

interface Node {
  readonly textContent: string;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<Node>;
}

function parse(chart: Chart): Node {
  assert.ok(chart instanceof Chart);
  assert.match(chart.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.doesNotMatch(chart.svg, /<figure|<div|<style|class="plot-/, "pure SVG");
  return (new DOMParser().parseFromString(chart.svg, "image/svg+xml") as unknown as {
    documentElement: Node;
  }).documentElement;
}

Deno.test("textScatter: a dot and a text per point, coloured by class", () => {
  const points = { x: [0, 1, 0.2], y: [0, 1, 0.1], text: ["king", "cabbage", "queen"] };
  const root = parse(textScatter(points, { title: "Words" }));
  assert.equal(root.querySelectorAll('g[aria-label="dot"] circle').length, 3);
  const texts = Array.from(
    root.querySelectorAll('g[aria-label="text"] text'),
    (t) => t.textContent,
  );
  assert.deepEqual(texts, ["king", "cabbage", "queen"]);
  assert.equal(
    textScatter(points, { title: "Words" }).svg,
    textScatter(points, { title: "Words" }).svg,
  );

  const classed = parse(textScatter({ ...points, label: ["royal", "veg", "royal"] }));
  const fills = Array.from(
    classed.querySelectorAll('g[aria-label="text"] text'),
    (t) => t.getAttribute("fill"),
  );
  assert.equal(fills[0], fills[2]);
  assert.notEqual(fills[0], fills[1]);
});

Deno.test("textScatter: bad input is refused with the reason", () => {
  assert.throws(
    () => textScatter({ x: [0, 1], y: [0, 1], text: ["one"] }),
    /textScatter: points\.text must be an array with one text per point \(2\), got 1 texts/,
  );
  assert.throws(
    () => textScatter({ x: [0], y: [0], text: [3 as unknown as string] }),
    /points\.text\[0\] is number/,
  );
  assert.throws(
    () => textScatter({ x: [0, NaN], y: [0, 1], text: ["a", "b"] }),
    /points\.x\[1\] is NaN/,
  );
  assert.throws(
    () => textScatter({ x: [0], y: [0], text: ["a"] }, { fontSize: 0 }),
    /fontSize must be positive/,
  );
});
