/**
 * Saving a module's parameters and buffers to a file, and loading them back into a module of the
 * same architecture.
 *
 * The file is in the safetensors format (see `safetensors.ts`): an 8-byte header length, a JSON
 * header with each entry's name, dtype, shape and byte range, then the raw little-endian weights.
 * Its `__metadata__` holds `format: "fdl-module"`, `format_version: "1"` and `sha256`, the
 * checksum of the weights section. The `.safetensors` extension is customary.
 *
 * @example
 * ```ts
 * await saveModule(model, "mnist_mlp.safetensors");
 * const copy = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * await loadModule(copy, "mnist_mlp.safetensors");
 * ```
 *
 * @module
 */

import { noGrad } from "../autograd/graph.ts";
import { sha256Hex } from "../data/digest.ts";
import { fromArray } from "../tensor/creation.ts";
import { tidy } from "../tensor/memory.ts";
import type { Module } from "./module.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  packWeights,
  readTensor,
  type TensorRecord,
} from "./safetensors.ts";
import { checkState } from "./state_check.ts";

/** The name written to `__metadata__.format`. */
const FORMAT = "fdl-module";
/** The version this library writes; it reads this and every older one. */
const VERSION = 1;

/**
 * Writes every parameter and buffer of `module` to `path`. The bytes go to a temporary file in
 * the same folder first, flushed to disk and then renamed over `path`, so a crash or a full disk
 * never leaves a half-written model where a good one was. Works on every backend (values are read
 * asynchronously).
 */
export async function saveModule(module: Module, path: string): Promise<void> {
  const entries = module.stateEntries();
  const records: TensorRecord[] = [];
  for (const { name, tensor } of entries) {
    records.push({ name, dtype: tensor.dtype, shape: tensor.shape, data: await tensor.data() });
  }
  const weights = packWeights(records);
  const bytes = encodeSafetensors(records, weights, {
    format: FORMAT,
    format_version: String(VERSION),
    sha256: await sha256Hex(weights),
  });
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    const file = await Deno.open(temporary, { write: true, createNew: true });
    try {
      for (let written = 0; written < bytes.length;) {
        written += await file.write(bytes.subarray(written));
      }
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, path);
  } catch (err) {
    await Deno.remove(temporary).catch(() => {});
    throw new Error(
      `saveModule: could not write ${path}: ${err instanceof Error ? err.message : err}`,
      { cause: err },
    );
  }
}

/**
 * Loads parameters and buffers saved by {@link saveModule} into `module`, which must have the
 * same entries (names, shapes, dtypes) as the saved one: build it with the same code and sizes.
 *
 * Everything is checked before anything is assigned, so on any error the module is unchanged. The
 * error names the first mismatched entry (missing, unexpected, wrong shape or dtype), or says the
 * file is truncated or corrupt.
 */
export async function loadModule(module: Module, path: string): Promise<void> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(
        `loadModule: there is no file at ${path}; check the path, or save a model there first ` +
          "with saveModule(model, path)",
      );
    }
    throw new Error(
      `loadModule: could not read ${path}: ${err instanceof Error ? err.message : err}`,
      { cause: err },
    );
  }
  const file = decodeSafetensors(bytes, path, "loadModule");
  const { format, format_version: version, sha256 } = file.metadata;
  if (format === FORMAT && !(Number(version) >= 1 && Number(version) <= VERSION)) {
    throw new Error(
      `loadModule: ${path} has format version ${version}, but this library reads versions 1 to ` +
        `${VERSION}; update the library to load it`,
    );
  }
  if (sha256 !== undefined && sha256 !== await sha256Hex(file.data)) {
    throw new Error(
      `loadModule: ${path} is corrupt: its weights do not match the sha256 checksum in its ` +
        "header; save the model again or restore the file",
    );
  }
  const entries = module.stateEntries();
  checkState("loadModule", path, entries, file.tensors);
  // The temporary tensors die with the scope; each parameter keeps its new storage alive.
  noGrad(() =>
    tidy(() => {
      for (const { name, tensor } of entries) {
        const location = file.tensors.get(name)!;
        tensor.assign(fromArray(readTensor(file, location), location.shape));
      }
    })
  );
}
