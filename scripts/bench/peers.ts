/**
 * The peers the bench races, in table order. Adding a backend of ours is one entry here, e.g.
 * `oursPeer({ name: "ours webgpu", backend: "webgpu", gpu: true })`.
 *
 * @module
 */

import { oursPeer } from "./ours.ts";
import type { Peer } from "./peer.ts";
import { tfjsPeer } from "./tfjs.ts";

/** Every peer of issue 5 that exists today. */
export function defaultPeers(): Peer[] {
  return [
    oursPeer({ name: "ours cpu", backend: "cpu" }),
    oursPeer({ name: "ours cpu (reference)", backend: "cpu-reference" }),
    // Until the library has a webgpu backend (issue 6) its rows say so, as "cannot".
    oursPeer({ name: "ours webgpu", backend: "webgpu", gpu: true }),
    tfjsPeer("cpu"),
    tfjsPeer("wasm"),
    tfjsPeer("webgpu"),
  ];
}
