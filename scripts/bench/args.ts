/**
 * Command-line flags of `deno task bench`.
 *
 * @module
 */

/** Parsed flags. */
export interface BenchArgs {
  /** `--quick`: conv batch 4, one timed run. */
  readonly quick: boolean;
  /** `--only <substring>` (repeatable): workloads whose name contains one of them. */
  readonly only: string[];
  /** `--peer <substring>` (repeatable): peers whose name contains one of them (all when empty). */
  readonly peer: string[];
  /** `--out <path>`: where the JSON goes (default `_build/bench.json`). */
  readonly out: string;
  /** `--software-gpu`: run WebGPU peers even on a software adapter. */
  readonly softwareGpu: boolean;
}

/** The usage line, shown on a bad flag. */
export const USAGE =
  "usage: deno task bench [--quick] [--only <substring>]... [--peer <substring>]... [--out <path>] " +
  "[--software-gpu]";

/** Parses `args`, throwing with the usage on anything unknown. */
export function parseArgs(args: readonly string[]): BenchArgs {
  let quick = false, softwareGpu = false, out = "_build/bench.json";
  const only: string[] = [], peer: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--quick") quick = true;
    else if (a === "--software-gpu") softwareGpu = true;
    else if (a === "--only") only.push(value());
    else if (a === "--peer") peer.push(value());
    else if (a === "--out") out = value();
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  return { quick, only, peer, out, softwareGpu };
}
