/**
 * Fusion of elementwise kernels on the `webgpu` backend. Elementwise kernels are memory-bound: run
 * one by one, `relu(x.mul(2).add(1))` writes and rereads three full tensors. Here they run lazily,
 * so a chain becomes one kernel that reads its inputs once and writes only the value used.
 *
 * - **Deferred outputs.** An elementwise kernel returns a storage whose elements are an expression
 *   DAG: leaves are computed buffers read through their views (collapsed per leaf,
 *   so every node is addressed by the one row-major element index `i`), inner nodes are WGSL
 *   functions of their operands and of scalar parameter words. Nothing is allocated or recorded.
 * - **Operands.** A deferred operand joins the new expression when it is read whole and
 *   row-major (any view of a constant joins, since its elements are all equal) and none of its
 *   leaves has been freed by its tensor; otherwise it is computed first and becomes a leaf. The
 *   second rule keeps long-lived values (optimizer state updated from this step's gradient) from
 *   growing across steps, pinning old buffers and being recomputed in every reader.
 * - **Computing.** `bufferOf` (`storage.ts`) is the one hook: a non-elementwise kernel, a read, or
 *   an expression that outgrows one kernel ({@link fusionLimits} nodes, the device's storage
 *   bindings, the 64 parameter words) computes the storage with one generated shader, each shared
 *   node once (`let` bindings), into a pooled buffer, and it becomes an ordinary storage.
 * - **Caching.** The shader depends only on the DAG's shape, its functions, its dtypes and each
 *   leaf's kind and collapsed rank; sizes, offsets, strides and scalar values are parameter words,
 *   so a training loop compiles a few pipelines once and then reuses them.
 * - **Lifetimes.** A deferred storage holds each leaf storage it reads (`GpuStorage.hold`) until
 *   it is computed or freed, so a leaf freed by the op layer keeps its buffer out of the pool until
 *   no pending expression needs it; freeing a storage never computed just lets go of its leaves.
 *
 * Every function is the unfused kernel's expression, and each f32 node's value passes through an
 * integer xor with a parameter word that is zero, which the compiler cannot see through: it cannot
 * contract a product into the next node's sum (an FMA, as llvmpipe does inside `exp(a * b)`), so
 * fused results equal unfused ones bit for bit.
 *
 * @module
 */

import type { KernelOutput, TensorInfo } from "../contract.ts";
import type { DType } from "../../tensor/dtype.ts";
import { collapse, coversStorage } from "../../tensor/layout.ts";
import { sizeOf } from "../../tensor/shape.ts";
import { PARAM_WORDS } from "./command_batch.ts";
import { assertAlive } from "./device.ts";
import { WGSL_MATH_F32 } from "./prelude.ts";
import { gpuRuntime, WORKGROUP } from "./runtime.ts";
import { bufferOf, type Deferred, GpuStorage, wgslType } from "./storage.ts";
import { assertRank } from "./views.ts";

/** Tunable bounds of fusion. */
export const fusionLimits = {
  /**
   * Most nodes (leaf reads and operations) one fused kernel computes; past it, operands are
   * computed on their own first. 1 runs each kernel on its own, as without fusion.
   */
  nodes: 24,
};

/** A WGSL function that computes a node from its operands' values, then its scalar words. */
export interface NodeFn {
  /** The function's name; one name, one declaration. */
  readonly name: string;
  /** Its declaration: `fn name(…) -> type { … }`. */
  readonly decl: string;
  /** The WGSL type it returns. */
  readonly type: string;
}

/**
 * A scalar argument of a node: the prelude's reader of a parameter word (`fword`, `iword`), and
 * the word's bits.
 */
export type Scalar = readonly [reader: string, bits: number];

/** A computed storage read through a view, at element `i` of the expression. */
interface Leaf {
  readonly kind: "leaf";
  readonly storage: GpuStorage;
  /**
   * 0: contiguous from an offset (words: the offset); r > 0: r strided dimensions (words: shape,
   * offset, strides).
   */
  readonly rank: number;
  readonly words: readonly number[];
}

/** A node that applies `fn` to its operands' values at element `i`. */
interface Op {
  readonly kind: "op";
  readonly fn: NodeFn;
  readonly args: readonly Expr[];
  readonly scalars: readonly Scalar[];
}

/** An elementwise expression: the value of every element `i` of a deferred storage. */
type Expr = Leaf | Op;

/** One fused kernel, ready to record. */
interface Plan {
  /** The shader (after the prelude); built only for the kernels that run. */
  readonly source: () => string;
  /** Storages bound as `in0`, `in1`, … (each once). */
  readonly storages: readonly GpuStorage[];
  /** Parameter words: the element count, a zero, then the leaves' views and the scalars. */
  readonly words: readonly number[];
  /** Nodes computed. */
  readonly nodes: number;
}

/**
 * Element `at + rank` plus the strides at `at + rank + 1 …` times the coordinates of `i` in the
 * shape at `at …` (`rank` dimensions): a leaf's own collapsed view.
 */
const WGSL_STRIDED_AT = `
fn stridedAt(i: u32, at: u32, rank: u32) -> u32 {
  var rest = i;
  var offset = word(at + rank);
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let n = word(at + u32(d));
    offset += (rest % n) * word(at + rank + 1u + u32(d));
    rest /= n;
  }
  return offset;
}`;

/** The kernel that computes `root` over `length` elements of WGSL type `type`. */
function plan(root: Op, type: string, length: number): Plan {
  const names = new Map<Expr, string>();
  const leafNames = new Map<string, string>();
  const storages: GpuStorage[] = [];
  const fns = new Map<string, string>();
  const lines: string[] = [];
  const words = [length, 0];
  const visit = (e: Expr): string => {
    let name = names.get(e);
    if (name) return name;
    if (e.kind === "leaf") {
      let binding = storages.indexOf(e.storage);
      if (binding < 0) binding = storages.push(e.storage) - 1;
      // The same buffer through the same view, reached from two operands, is read once.
      const key = `${binding}/${e.rank}/${e.words}`;
      name = leafNames.get(key);
      if (!name) {
        name = `t${lines.length}`;
        const at = words.push(...e.words) - e.words.length;
        const index = e.rank === 0 ? `word(${at}u) + i` : `stridedAt(i, ${at}u, ${e.rank}u)`;
        lines.push(`let ${name} = in${binding}[${index}];`);
        leafNames.set(key, name);
      }
    } else {
      const args = e.args.map(visit);
      const scalars = e.scalars.map(([reader, bits]) => `${reader}(${words.push(bits) - 1}u)`);
      fns.set(e.fn.name, e.fn.decl);
      name = `t${lines.length}`;
      const call = `${e.fn.name}(${[...args, ...scalars].join(", ")})`;
      // A float is rounded as a buffer would round it: xor with a word that is zero only at run
      // time keeps the compiler from contracting a product into the next node's sum (an FMA).
      lines.push(
        e.fn.type === "f32"
          ? `let ${name} = bitcast<f32>(bitcast<u32>(${call}) ^ word(1u));`
          : `let ${name} = ${call};`,
      );
    }
    names.set(e, name);
    return name;
  };
  const result = visit(root);
  const source = () => {
    const bindings = storages.map((s, b) =>
      `@group(0) @binding(${b + 1}) var<storage, read> in${b}: array<${wgslType(s.dtype)}>;`
    );
    return `${bindings.join("\n")}
@group(0) @binding(${storages.length + 1}) var<storage, read_write> y: array<${type}>;
${WGSL_MATH_F32}${WGSL_STRIDED_AT}
${[...fns.values()].join("\n")}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearId(gid, groups, ${WORKGROUP}u);
  if (i >= word(0u)) { return; }
  ${lines.join("\n  ")}
  y[i] = ${result};
}`;
  };
  return { source, storages, words, nodes: lines.length };
}

/** Whether `p` is one kernel's worth: few enough nodes, bindings and parameter words. */
function fits(p: Plan): boolean {
  const bindings = gpuRuntime().gpu.device.limits.maxStorageBuffersPerShaderStage - 1; // y is one
  return p.nodes <= fusionLimits.nodes && p.storages.length <= bindings &&
    p.words.length <= PARAM_WORDS;
}

/** The deferral of a fused kernel's output: its expression and the kernel that computes it. */
class Pending implements Deferred {
  constructor(readonly expr: Op, readonly plan: Plan) {
    for (const s of plan.storages) s.hold();
  }

  compute(): GPUBuffer {
    const rt = gpuRuntime();
    const length = this.plan.words[0];
    const out = rt.pool.acquire(length * 4);
    rt.run(this.plan.source(), [...this.plan.storages.map(bufferOf), out], this.plan.words, length);
    // The kernel is recorded: a leaf buffer reused from here on is written by later commands.
    this.drop();
    return out;
  }

  /**
   * Whether the expression may join one that reads it through `x`: read whole and row-major, and
   * still fresh. One that reads a buffer its tensor no longer holds outlived the code that made it
   * (optimizer state, say, updated from last step's gradient): inlined, it would pin those buffers
   * and be recomputed step after step, so it is computed once instead.
   */
  joins(x: TensorInfo): boolean {
    return coversStorage(x, x.storage.length) && !this.plan.storages.some((s) => s.freed);
  }

  drop(): void {
    const pool = gpuRuntime().pool;
    for (const s of this.plan.storages) s.release(pool);
  }
}

/** The expression of an operand: a deferred storage's own, or a leaf reading a computed one. */
function operand(x: TensorInfo): Expr {
  const storage = x.storage as GpuStorage;
  const pending = storage.deferred;
  if (pending instanceof Pending && (pending.expr.args.length === 0 || pending.joins(x))) {
    return pending.expr;
  }
  const walk = collapse(x.shape, [x.strides]);
  assertRank(x.shape, walk.shape.length);
  bufferOf(storage); // a deferred storage read through another view is computed first
  const [n] = walk.shape, [stride] = walk.strides[0];
  if (walk.shape.length === 1 && (stride === 1 || n === 1)) {
    return { kind: "leaf", storage, rank: 0, words: [x.offset] };
  }
  return {
    kind: "leaf",
    storage,
    rank: walk.shape.length,
    words: [...walk.shape, x.offset, ...walk.strides[0]],
  };
}

/**
 * A new deferred storage of `shape` and `dtype` whose element `i` is `fn` of the `inputs`' elements
 * `i` (views of `shape`, any dtypes) and of `scalars`. Deferred inputs read whole join the
 * expression; when it would outgrow one kernel, the largest is computed on its own first.
 *
 * @param op the kernel's name, for errors
 */
export function fused(
  op: string,
  inputs: readonly TensorInfo[],
  shape: readonly number[],
  dtype: DType,
  fn: NodeFn,
  scalars: readonly Scalar[] = [],
): KernelOutput {
  assertAlive(gpuRuntime().gpu, op);
  const type = wgslType(dtype), length = sizeOf(shape);
  for (;;) {
    const expr: Op = { kind: "op", fn, args: inputs.map(operand), scalars };
    const p = plan(expr, type, length);
    let largest: GpuStorage | null = null, most = 0;
    for (const { storage } of inputs) {
      const pending = (storage as GpuStorage).deferred;
      if (pending instanceof Pending && pending.plan.nodes > most && pending.expr.args.length > 0) {
        largest = storage as GpuStorage;
        most = pending.plan.nodes;
      }
    }
    // With every operand a leaf or a constant, the kernel is no bigger than an unfused one.
    if (fits(p) || !largest) {
      return { storage: new GpuStorage(dtype, length, new Pending(expr, p)), shape };
    }
    bufferOf(largest);
  }
}
