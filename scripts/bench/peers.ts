/**
 * The peers the bench races, in table order. Adding a backend of ours is one entry here, e.g.
 * `oursPeer({ name: "ours cpu", backend: "cpu" })`.
 *
 * @module
 */

import { oursPeer } from "./ours.ts";
import type { Peer } from "./peer.ts";
import { tfjsPeer } from "./tfjs.ts";

/** Every peer: ours on each backend, then TensorFlow.js on each. */
export function defaultPeers(): Peer[] {
  return [
    oursPeer({ name: "ours cpu", backend: "cpu" }),
    oursPeer({ name: "ours cpu (reference)", backend: "cpu-reference" }),
    // On a software adapter the GPU rows are correctness-only, checked against the cpu rows.
    oursPeer({ name: "ours webgpu", backend: "webgpu", gpu: true, reference: "ours cpu" }),
    tfjsPeer("cpu"),
    tfjsPeer("wasm"),
    tfjsPeer("webgpu"),
  ];
}
