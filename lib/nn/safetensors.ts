/**
 * The safetensors file format, which `saveModule` writes and `loadModule` reads:
 *
 * ```
 * bytes 0–7    N, the header length, an unsigned 64-bit little-endian integer
 * bytes 8…8+N  the header: UTF-8 JSON, padded with spaces so the weights start 8-byte aligned
 * the rest     the weights: each tensor's elements, row-major, little-endian, back to back
 * ```
 *
 * The header maps each entry's dotted name to `{ "dtype": "F32" | "F64" | "I32", "shape": [...],
 * "data_offsets": [begin, end] }`, byte offsets into the weights; the optional `__metadata__`
 * entry holds string pairs (the library stores its format version and a checksum there).
 *
 * Why this format: a single file, so one rename makes saving atomic (a JSON file beside a binary
 * one could be left mismatched by a crash between two renames); a header that a person can read;
 * and other tools (Hugging Face's safetensors for Python and Rust) open the same files.
 *
 * @module
 */

import type { DType, TypedArray } from "../tensor/dtype.ts";
import { formatShape, sizeOf } from "../tensor/shape.ts";

const FILE_DTYPE: Record<DType, string> = { float32: "F32", float64: "F64", int32: "I32" };
const DTYPE_OF: Record<string, DType> = { F32: "float32", F64: "float64", I32: "int32" };
const ELEMENT_BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };
/** Larger headers are refused, as the reference implementation does: no model needs one. */
const MAX_HEADER = 100_000_000;

/** One tensor to write. */
export interface TensorRecord {
  /** Dotted name. */
  readonly name: string;
  /** Element type. */
  readonly dtype: DType;
  /** Extent of each dimension. */
  readonly shape: readonly number[];
  /** The elements, row-major. */
  readonly data: TypedArray;
}

/** Where one tensor lies in a decoded file. */
export interface TensorLocation {
  /** Element type. */
  readonly dtype: DType;
  /** Extent of each dimension. */
  readonly shape: readonly number[];
  /** First byte in the weights section. */
  readonly begin: number;
  /** One past the last byte in the weights section. */
  readonly end: number;
}

/** A parsed file: its metadata, where each tensor lies, and the weights section. */
export interface SafetensorsFile {
  /** String pairs from `__metadata__` (empty when the file has none). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Each tensor's dtype, shape and byte range, by name. */
  readonly tensors: ReadonlyMap<string, TensorLocation>;
  /** The weights section (a view of the file's bytes). */
  readonly data: Uint8Array<ArrayBuffer>;
}

/** The weights section for `records`: their elements back to back, in order. */
export function packWeights(records: readonly TensorRecord[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(records.reduce((n, r) => n + r.data.byteLength, 0));
  let at = 0;
  for (const r of records) {
    out.set(new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength), at);
    at += r.data.byteLength;
  }
  return out;
}

/**
 * The bytes of a safetensors file holding `records` with `metadata`; `weights` must be
 * `packWeights(records)` (passed in so a caller can checksum it first).
 */
export function encodeSafetensors(
  records: readonly TensorRecord[],
  weights: Uint8Array,
  metadata: Readonly<Record<string, string>>,
): Uint8Array<ArrayBuffer> {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const r of records) {
    const length = r.data.byteLength;
    header[r.name] = {
      dtype: FILE_DTYPE[r.dtype],
      shape: r.shape,
      data_offsets: [offset, offset + length],
    };
    offset += length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  if (weights.length !== offset) {
    throw new Error(
      `internal: the weights section has ${weights.length} bytes, the records ${offset}`,
    );
  }
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(weights, 8 + head.length);
  return out;
}

/**
 * Parses and checks a file's structure: every tensor's dtype, shape and byte range must be valid,
 * and the ranges must tile the weights section exactly.
 *
 * @throws an error starting with `op` that names `source` and says whether the file is truncated
 * or otherwise corrupt.
 */
export function decodeSafetensors(
  bytes: Uint8Array<ArrayBuffer>,
  source: string,
  op: string,
): SafetensorsFile {
  const corrupt = (why: string) =>
    new Error(`${op}: ${source} is corrupt: ${why}; save the model again or restore the file`);
  const truncated = (why: string) =>
    new Error(
      `${op}: ${source} is truncated: ${why}. It was probably cut short while copying or ` +
        "downloading; save the model again or copy the whole file",
    );
  if (bytes.length < 8) {
    throw truncated(`it has ${bytes.length} bytes, fewer than the 8 of its header length`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER)) {
    throw new Error(
      `${op}: ${source} is not a model file saved by saveModule (safetensors format): its first ` +
        "8 bytes do not give a plausible header length",
    );
  }
  const n = Number(headerLength);
  if (8 + n > bytes.length) {
    throw truncated(`its header needs ${n} bytes but only ${bytes.length - 8} follow`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (err) {
    throw corrupt(`its header is not valid JSON (${err instanceof Error ? err.message : err})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw corrupt("its header is not a JSON object");
  }
  const data = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, TensorLocation>();
  for (const [name, value] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw corrupt("__metadata__ is not an object of strings");
      }
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== "string") throw corrupt(`__metadata__ entry '${k}' is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    tensors.set(name, locate(name, value, corrupt));
  }
  // The ranges must tile the weights section: no gaps, no overlaps, nothing left over.
  const ranges = [...tensors.values()].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const r of ranges) {
    if (r.begin !== expected) {
      throw corrupt(`the tensors' byte ranges overlap or leave a gap at byte ${expected}`);
    }
    expected = r.end;
  }
  if (expected > data.length) {
    throw truncated(
      `its header describes ${expected} bytes of weights but only ${data.length} are present`,
    );
  }
  if (expected < data.length) {
    throw corrupt(`${data.length - expected} unexpected bytes follow the last tensor`);
  }
  return { metadata, tensors, data };
}

function locate(name: string, value: unknown, corrupt: (why: string) => Error): TensorLocation {
  const v = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (v === null || typeof v !== "object") throw corrupt(`entry '${name}' is not an object`);
  const dtype = DTYPE_OF[v.dtype as string];
  if (!dtype) {
    throw corrupt(
      `entry '${name}' has dtype ${JSON.stringify(v.dtype)}; this library reads ` +
        Object.keys(DTYPE_OF).join(", "),
    );
  }
  const isCount = (d: unknown): d is number => Number.isSafeInteger(d) && (d as number) >= 0;
  if (!Array.isArray(v.shape) || !v.shape.every(isCount)) {
    throw corrupt(`entry '${name}' has an invalid shape ${JSON.stringify(v.shape)}`);
  }
  const offsets = v.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw corrupt(`entry '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  const bytes = sizeOf(v.shape) * ELEMENT_BYTES[dtype];
  if (end - begin !== bytes) {
    throw corrupt(
      `entry '${name}' (${dtype} ${formatShape(v.shape)}) needs ${bytes} bytes but its ` +
        `data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { dtype, shape: v.shape, begin, end };
}

/** The elements of one tensor of a decoded file, copied into a new (aligned) typed array. */
export function readTensor(file: SafetensorsFile, location: TensorLocation): TypedArray {
  const buffer = file.data.slice(location.begin, location.end).buffer;
  switch (location.dtype) {
    case "float32":
      return new Float32Array(buffer);
    case "float64":
      return new Float64Array(buffer);
    case "int32":
      return new Int32Array(buffer);
  }
}
