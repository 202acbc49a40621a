/**
 * Where the shipped data sets live, what their SOURCE.md files promise, and reading a file only after
 * its sha256 matches that promise.
 *
 * Every data set is a folder under the data root (the repository's `data/` unless a loader is given
 * another `root`) with a SOURCE.md whose tables list each file with its size and sha256, and for
 * gzip files sometimes the sha256 of the decompressed content too. The tables differ between sets
 * (extra md5 columns, a separate "(decompressed …)" row, or a fourth column), so
 * {@link parseSourceTable} reads them by the shape of their cells rather than by their headers.
 *
 * @module
 */

import { fileURLToPath, pathToFileURL } from "node:url";
import { sha256Hex } from "./digest.ts";
import { gunzip } from "./gzip.ts";

/** Where to find the data sets. Every loader takes these options. */
export interface DataOptions {
  /**
   * The folder that holds one subfolder per data set, as a path or a `file:` URL. The default is
   * the course repository's `data/` folder; tests point it at a temporary copy.
   */
  readonly root?: string | URL;
}

/** One file listed in a SOURCE.md table. */
export interface SourceEntry {
  /** Path inside the data set's folder, e.g. `en/qa1_single-supporting-fact_train.txt.gz`. */
  readonly file: string;
  /** Size of the stored file in bytes. */
  readonly bytes: number;
  /** SHA-256 of the stored file (lowercase hex). */
  readonly sha256: string;
  /** For a gzip file whose SOURCE.md also lists its decompressed content: that content's checksum. */
  readonly decompressed?: { readonly sha256: string; readonly bytes: number };
}

/** A data file read from disk whose sha256 matched its SOURCE.md entry. */
export interface VerifiedFile {
  /** The data set's folder name, e.g. `mnist`. */
  readonly set: string;
  /** The data root it was read under. */
  readonly root: URL;
  /** Its SOURCE.md entry (the name, size and checksums). */
  readonly entry: SourceEntry;
  /** Where it was read from. */
  readonly url: URL;
  /** How messages name it: `data/<set>/<file>` under the default root, the full path otherwise. */
  readonly label: string;
  /** Its contents. */
  readonly bytes: Uint8Array<ArrayBuffer>;
}

const DEFAULT_ROOT = new URL("../../data/", import.meta.url);

/** The data root as a `file:` URL ending in `/`. */
export function dataRoot(options?: DataOptions): URL {
  const root = options?.root;
  if (root === undefined) return DEFAULT_ROOT;
  const url = root instanceof URL ? new URL(root.href) : pathToFileURL(root);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

function isDefaultRoot(root: URL): boolean {
  return root.href === DEFAULT_ROOT.href;
}

/** How messages name a path inside a data set: relative to the repository when that is where it is. */
function labelOf(root: URL, set: string, file: string): string {
  return isDefaultRoot(root)
    ? `data/${set}/${file}`
    : fileURLToPath(new URL(`${set}/${file}`, root));
}

/**
 * The sentence that tells a learner how to get a damaged or missing file back. The sets ship in git,
 * so a checkout restores them; a copy elsewhere must be refreshed from the repository.
 */
export function restoreHint(set: string, options?: DataOptions): string {
  const root = dataRoot(options);
  const checkout = `\`git checkout -- data/${set}/\``;
  return isDefaultRoot(root)
    ? `The data sets ship with the course in git: restore it with ${checkout} in the repository root.`
    : `The data sets ship with the course in git: restore it with ${checkout} in the course ` +
      `repository and copy data/${set}/ to ${fileURLToPath(new URL(`${set}/`, root))}.`;
}

const SHA256 = /^[0-9a-f]{64}$/;
const BYTE_COUNT = /^[\d,]+$/;

/**
 * The files a SOURCE.md lists with a checksum: every table row whose cells read
 * `| file | bytes | sha256 | …`. A row `| (decompressed NAME) | bytes | sha256 |` gives the
 * decompressed checksum of the listed `NAME.gz`, and so does a fourth cell of the form
 * `sha256 (N bytes)`. Other columns (md5 values, remarks) are ignored.
 *
 * @throws when a "(decompressed …)" row names no gzip file listed above it.
 */
export function parseSourceTable(markdown: string): SourceEntry[] {
  const entries: { -readonly [K in keyof SourceEntry]: SourceEntry[K] }[] = [];
  for (const line of markdown.split("\n")) {
    const row = line.trim();
    if (!row.startsWith("|")) continue;
    const cells = row.replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
    if (cells.length < 3 || !BYTE_COUNT.test(cells[1]) || !SHA256.test(cells[2])) continue;
    const bytes = Number(cells[1].replaceAll(",", ""));
    const decompressedOf = cells[0].match(/^\(decompressed (.+)\)$/);
    if (decompressedOf) {
      const gz = entries.find((e) => e.file === `${decompressedOf[1]}.gz`);
      if (!gz) {
        throw new Error(
          `SOURCE.md: the row "${cells[0]}" follows no row for ${decompressedOf[1]}.gz`,
        );
      }
      gz.decompressed = { sha256: cells[2], bytes };
      continue;
    }
    const entry: (typeof entries)[number] = { file: cells[0], bytes, sha256: cells[2] };
    const fourth = cells[3]?.match(/^([0-9a-f]{64})\s*\(([\d,]+) bytes\)$/);
    if (fourth) {
      entry.decompressed = { sha256: fourth[1], bytes: Number(fourth[2].replaceAll(",", "")) };
    }
    entries.push(entry);
  }
  return entries;
}

/** Reads a file, turning "not found" into a message that names the file and the fix. */
async function readOrExplain(root: URL, set: string, file: string, options?: DataOptions) {
  const url = new URL(`${set}/${file}`, root);
  try {
    return await Deno.readFile(url);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(
        `${labelOf(root, set, file)} is missing (looked for ${fileURLToPath(url)}). ` +
          restoreHint(set, options),
      );
    }
    throw err;
  }
}

/** The files that a data set's SOURCE.md lists with a sha256. */
export async function readSourceTable(set: string, options?: DataOptions): Promise<SourceEntry[]> {
  const root = dataRoot(options);
  const text = new TextDecoder().decode(await readOrExplain(root, set, "SOURCE.md", options));
  return parseSourceTable(text);
}

/**
 * Reads `file` of data set `set` and checks its sha256 against the set's SOURCE.md. The check runs
 * on every call (hashing is fast next to decoding), so a file changed on disk is never trusted from
 * an earlier check.
 *
 * @throws when SOURCE.md or the file is missing, when SOURCE.md does not list the file, or when its
 * sha256 differs; each message names the file and how to restore it.
 */
export async function readDataFile(
  set: string,
  file: string,
  options?: DataOptions,
): Promise<VerifiedFile> {
  const root = dataRoot(options);
  const entry = (await readSourceTable(set, options)).find((e) => e.file === file);
  const label = labelOf(root, set, file);
  if (!entry) {
    throw new Error(
      `${labelOf(root, set, "SOURCE.md")} lists no sha256 for ${file}, so ${label} cannot be ` +
        `checked. ${restoreHint(set, options)}`,
    );
  }
  const bytes = await readOrExplain(root, set, file, options);
  const actual = await sha256Hex(bytes);
  if (actual !== entry.sha256) {
    throw new Error(
      `${label} is corrupt: its sha256 is ${actual} but ${labelOf(root, set, "SOURCE.md")} ` +
        `lists ${entry.sha256}. ${restoreHint(set, options)}`,
    );
  }
  return { set, root, entry, url: new URL(`${set}/${file}`, root), label, bytes };
}

/**
 * The decompressed contents of a verified gzip file, checked against the decompressed sha256 when
 * SOURCE.md lists one.
 *
 * @throws when the content's sha256 differs from the listed one.
 */
export async function gunzipVerified(file: VerifiedFile): Promise<Uint8Array<ArrayBuffer>> {
  const content = await gunzip(file.bytes, file.label);
  const expected = file.entry.decompressed;
  if (expected) {
    const actual = await sha256Hex(content);
    if (actual !== expected.sha256) {
      throw new Error(
        `${file.label} decompresses to content whose sha256 is ${actual}, but SOURCE.md lists ` +
          `${expected.sha256} for it. ${restoreHint(file.set, { root: file.root })}`,
      );
    }
  }
  return content;
}
