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
    // Today `cpu` is the plain TypeScript reference kernels; the fast path will be its own row.
    oursPeer({ name: "ours cpu (reference)", backend: "cpu" }),
    tfjsPeer("cpu"),
    tfjsPeer("wasm"),
    tfjsPeer("webgpu"),
  ];
}
