/**
 * A small WebAssembly binary encoder: enough of the format to build the CPU backend's SIMD kernels
 * from TypeScript at load time, with no compiler and no committed binary (issue 5's design note).
 *
 * Instructions are plain byte arrays, so a kernel reads as a list of named instructions, e.g.
 * `[...localGet(x), ...v128Load(16), ...f32x4Add]`.
 *
 * @module
 */

/** Bytes of one or more instructions. */
export type Code = readonly number[];

/** Unsigned LEB128, as the format stores counts, indices and offsets. */
export function unsigned(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128, as `i32.const` stores its operand. */
export function signed(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Value types. */
export const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;

const vector = (items: readonly Code[]): number[] => [...unsigned(items.length), ...items.flat()];
const section = (id: number, body: Code): number[] => [id, ...unsigned(body.length), ...body];
const name = (text: string): number[] => {
  const bytes = new TextEncoder().encode(text);
  return [...unsigned(bytes.length), ...bytes];
};

/** `local.get i`. */
export const localGet = (i: number): Code => [0x20, ...unsigned(i)];
/** `local.set i`. */
export const localSet = (i: number): Code => [0x21, ...unsigned(i)];
/** `local.tee i`: set and keep the value on the stack. */
export const localTee = (i: number): Code => [0x22, ...unsigned(i)];
/** `i32.const n`. */
export const i32Const = (n: number): Code => [0x41, ...signed(n)];
/** i32 arithmetic and comparison. */
export const i32Add: Code = [0x6a], i32Sub: Code = [0x6b], i32Mul: Code = [0x6c];
/** Unsigned i32 comparisons. */
export const i32LtU: Code = [0x49], i32LeU: Code = [0x4d];
/** f32 scalar ops; loads and stores take a byte offset and assume 4-byte alignment. */
export const f32Add: Code = [0x92], f32Mul: Code = [0x94];
/** `f32.load offset`. */
export const f32Load = (offset = 0): Code => [0x2a, 2, ...unsigned(offset)];
/** `f32.store offset`. */
export const f32Store = (offset = 0): Code => [0x38, 2, ...unsigned(offset)];
/** `f32.const 0`. */
export const f32Zero: Code = [0x43, 0, 0, 0, 0];

const simd = (op: number): number[] => [0xfd, ...unsigned(op)];
/** `v128.load offset` (alignment hint 4 bytes: tensors are f32-aligned, not 16-byte aligned). */
export const v128Load = (offset = 0): Code => [...simd(0), 2, ...unsigned(offset)];
/** `v128.store offset`. */
export const v128Store = (offset = 0): Code => [...simd(11), 2, ...unsigned(offset)];
/** `v128.const 0`. */
export const v128Zero: Code = [...simd(12), ...new Array(16).fill(0)];
/** f32x4 lane-wise ops. */
export const f32x4Splat: Code = simd(19), f32x4Add: Code = simd(228), f32x4Mul: Code = simd(230);

/**
 * `while (cond) body`, written as one test up front and then a do-while loop, so each iteration
 * costs a single conditional branch back. `cond` must leave an i32 (non-zero = keep going).
 */
export function whileLoop(cond: Code, body: Code): Code {
  return [
    0x02,
    0x40, // block
    ...cond,
    0x45, // i32.eqz
    0x0d,
    0, // br_if 0: skip when false at the start
    0x03,
    0x40, // loop
    ...body,
    ...cond,
    0x0d,
    0, // br_if 0: back to the loop's start
    0x0b, // end loop
    0x0b, // end block
  ];
}

/** One exported function of a module. */
export interface FunctionSpec {
  /** The export name. */
  readonly name: string;
  /** Parameter types. */
  readonly params: readonly number[];
  /** Local types beyond the parameters, in order (indices continue after the parameters). */
  readonly locals: readonly number[];
  /** The body, without the final `end`. */
  readonly body: Code;
}

/**
 * A module that imports its memory as `env.memory` (so kernels work on the tensors' own memory)
 * and exports the given functions, none of which returns a value.
 */
export function encodeModule(functions: readonly FunctionSpec[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), 0]);
  const code = functions.map((f) => {
    const locals = vector(f.locals.map((t) => [1, t]));
    const body = [...locals, ...f.body, 0x0b];
    return [...unsigned(body.length), ...body];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0, // magic, version 1
    ...section(1, vector(types)),
    ...section(2, vector([[...name("env"), ...name("memory"), 2, 0, 1]])), // memory, min 1 page
    ...section(3, vector(functions.map((_, i) => unsigned(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0, ...unsigned(i)]))),
    ...section(10, vector(code)),
  ]);
}
