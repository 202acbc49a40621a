/** sideBySide: charts in a row as one standalone SVG, and errors that name the fault. */

import assert from "node:assert/strict";
import { DOMParser } from "linkedom";
import { Chart, lineChart, scatter, sideBySide } from "../lib/mod.ts";

interface Node {
  readonly tagName: string;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<Node>;
}

Deno.test("sideBySide: the charts in a row, tops aligned, in one SVG", () => {
  const left = scatter({ x: [0, 1], y: [1, 0], label: [0, 1] }, { title: "left", width: 300 });
  const right = lineChart({ loss: [3, 2, 1] }, { title: "right", width: 250, height: 200 });
  const row = sideBySide([left, right], { title: "Both", gap: 10 });
  assert.ok(row instanceof Chart);
  assert.equal(row.width, 300 + 10 + 250);
  assert.equal(row.height, 30 + Math.max(left.height, right.height));
  assert.match(row.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const root = (new DOMParser().parseFromString(row.svg, "image/svg+xml") as unknown as {
    documentElement: Node;
  }).documentElement;
  assert.equal(root.getAttribute("viewBox"), `0 0 ${row.width} ${row.height}`);
  const nested = Array.from(root.querySelectorAll("svg")).filter((n) =>
    n.getAttribute("role") === "img"
  );
  assert.deepEqual(nested.map((n) => [n.getAttribute("x"), n.getAttribute("y")]), [
    ["0", "30"],
    ["310", "30"],
  ]);
  // The nested charts lose their responsive style, which would stretch them to the whole row.
  assert.ok(nested.every((n) => n.getAttribute("style") === null));
  assert.equal(nested[0].querySelectorAll('g[aria-label="dot"] circle').length, 2);
  assert.equal(sideBySide([left, right], { title: "Both", gap: 10 }).svg, row.svg);
});

Deno.test("sideBySide: bad input is refused with the reason", () => {
  const chart = lineChart({ loss: [1, 2] });
  assert.throws(() => sideBySide([]), /give at least one chart/);
  assert.throws(() => sideBySide([chart, "svg" as unknown as Chart]), /charts\[1\] is not a chart/);
  assert.throws(() => sideBySide([chart], { gap: -1 }), /gap must be a number ≥ 0/);
});
