/**
 * Runs every selected workload on every peer and collects the rows of the report.
 *
 * @module
 */

import type { Peer, PeerOptions } from "./peer.ts";
import {
  BASELINE_PEER,
  type BenchReport,
  type BenchRow,
  FLOP_CONVENTION,
  type MachineInfo,
} from "./report.ts";
import { FULL_POLICY, median, QUICK_POLICY, timeRuns, type TimingPolicy } from "./timing.ts";
import { type Workload, workloads } from "./workloads.ts";

/** What to run. */
export interface BenchOptions extends Partial<PeerOptions> {
  /** The peers, in table order. */
  readonly peers: readonly Peer[];
  /** Smaller conv batches and a single timed run, for tests. */
  readonly quick?: boolean;
  /** Keep only workloads whose name contains one of these substrings. */
  readonly only?: readonly string[];
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** A row before the ratio against tfjs-wasm is known. */
type Measured = Omit<BenchRow, "ratioVsWasm">;

/** The workloads `options` selects. */
export function selectWorkloads(options: Pick<BenchOptions, "quick" | "only">): Workload[] {
  const all = workloads(options.quick);
  const only = options.only ?? [];
  return only.length ? all.filter((w) => only.some((o) => w.name.includes(o))) : all;
}

/** Runs the bench and returns its report. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const selected = selectWorkloads(options);
  const policy = options.quick ? QUICK_POLICY : FULL_POLICY;
  const peerOptions: PeerOptions = { softwareGpu: options.softwareGpu ?? false };
  const measured = new Map<string, Measured>();
  const notes: string[] = [];
  // Peer by peer, since each library has one current backend; switching per workload would only
  // add re-initialisation to the timings.
  for (const peer of options.peers) {
    const activation = await peer.activate(peerOptions);
    if (activation.mode !== "cannot") notes.push(...peer.notes());
    for (const w of selected) {
      let row: Measured;
      if (activation.mode === "cannot") row = cannot(w, peer, activation.reason);
      else if (activation.mode === "timed") row = await measure(w, peer, policy);
      else {
        const reference = measured.get(key(w.name, peer.reference ?? ""));
        row = await checkOnce(w, peer, activation.adapter, reference);
      }
      measured.set(key(w.name, peer.name), row);
      log(
        `${w.name} · ${peer.name}: ${
          row.status === "ok" ? `${row.medianMs!.toFixed(2)} ms` : `${row.status}: ${row.reason}`
        }`,
      );
    }
  }
  const rows = selected.flatMap((w) =>
    options.peers.map((p) => withRatio(measured.get(key(w.name, p.name))!, measured))
  );
  return {
    machine: await machineInfo(),
    quick: options.quick ?? false,
    flopConvention: FLOP_CONVENTION,
    timing: policy,
    notes,
    rows,
  };
}

/** Map key of a row. */
function key(workload: string, peer: string): string {
  return `${workload}\u0000${peer}`;
}

/** A "cannot" row. */
function cannot(w: Workload, peer: Peer, reason: string): Measured {
  return {
    workload: w.name,
    peer: peer.name,
    status: "cannot",
    reason,
    medianMs: null,
    runs: 0,
    flops: w.flops,
    gflops: null,
  };
}

/**
 * Runs `w` once on a software GPU adapter and compares its checksum with the reference peer's
 * (the same library on its cpu backend, same inputs): a "correctness-only" row when they agree
 * within float32 rounding, a "cannot" row saying "wrong result" when they do not.
 */
async function checkOnce(
  w: Workload,
  peer: Peer,
  adapter: string,
  reference: Measured | undefined,
): Promise<Measured> {
  let step;
  try {
    step = peer.prepare(w);
    const sum = await step.run();
    const want = reference?.checksum;
    if (want === undefined) {
      return cannot(
        w,
        peer,
        `software adapter (${adapter}), and no ${peer.reference} result to check against`,
      );
    }
    const gap = Math.abs(sum - want) / Math.max(Math.abs(want), 1e-30);
    if (!(gap <= CHECK_RTOL)) {
      return cannot(
        w,
        peer,
        `wrong result on ${adapter}: checksum ${sum}, ${peer.reference} gives ${want}`,
      );
    }
    return {
      workload: w.name,
      peer: peer.name,
      status: "correctness-only",
      reason: `software adapter (${adapter}): one untimed run matches ${peer.reference} ` +
        `(checksum within ${gap.toExponential(1)})`,
      medianMs: null,
      runs: 1,
      flops: w.flops,
      gflops: null,
      checksum: sum,
    };
  } catch (e) {
    return cannot(w, peer, String((e as Error).message ?? e).split("\n")[0]);
  } finally {
    step?.dispose();
  }
}

/**
 * Relative tolerance of a correctness check: float32 sums in different orders, and for training
 * steps one optimizer update, stay far inside it; a wrong kernel does not.
 */
const CHECK_RTOL = 1e-3;

/** Times `w` on `peer`; an error (say, a kernel the backend lacks) makes a "cannot" row. */
async function measure(
  w: Workload,
  peer: Peer,
  policy: TimingPolicy,
): Promise<Measured> {
  let step;
  try {
    step = peer.prepare(w);
    // The first run's checksum is what a correctness-only run of the same library must match.
    let first: number | undefined;
    const times = await timeRuns(async () => {
      const sum = await step!.run();
      first ??= sum;
    }, policy);
    const ms = median(times);
    return {
      workload: w.name,
      peer: peer.name,
      status: "ok",
      medianMs: ms,
      runs: times.length,
      flops: w.flops,
      gflops: w.flops / ms / 1e6,
      checksum: first,
      ...(w.samples ? { samplesPerSecond: w.samples / (ms / 1000) } : {}),
    };
  } catch (e) {
    // The first line is the reason; stacks would drown the table.
    return cannot(w, peer, String((e as Error).message ?? e).split("\n")[0]);
  } finally {
    step?.dispose();
  }
}

/** `row` with its ratio against the baseline peer on the same workload. */
function withRatio(row: Measured, measured: Map<string, Measured>): BenchRow {
  const base = measured.get(key(row.workload, BASELINE_PEER));
  const ratio = row.medianMs !== null && base?.medianMs != null
    ? base.medianMs / row.medianMs
    : null;
  return { ...row, ratioVsWasm: ratio };
}

/** The CPU model from /proc/cpuinfo, where there is one. */
async function cpuModel(): Promise<string | undefined> {
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    return /^model name\s*:\s*(.+)$/m.exec(info)?.[1].trim();
  } catch {
    return undefined;
  }
}

/** Facts about this machine and runtime. */
async function machineInfo(): Promise<MachineInfo> {
  const cpu = await cpuModel();
  return {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: Deno.build.os,
    arch: Deno.build.arch,
    hardwareConcurrency: navigator.hardwareConcurrency,
    ...(cpu ? { cpu } : {}),
    date: new Date().toISOString(),
  };
}
