/**
 * An on-disk cache of decoded byte arrays, under `<data root>/.cache/` (git-ignored), for data
 * sets whose decoding takes long (CIFAR-10's 60,000 JPEGs).
 *
 * A cache file is the magic `FDLCACHE`, a uint32 (little-endian) header length, a JSON header, and
 * the arrays back to back. The header records a key (a format version and the sha256 of every
 * source file) and the byte length of each array. A cache whose key differs is stale, and one whose
 * length differs from what its header promises is truncated; either way the caller rebuilds it.
 *
 * @module
 */

const MAGIC = new TextEncoder().encode("FDLCACHE");

/** What a cache entry was built from: a format version and the source checksums. */
export type CacheKey = Readonly<Record<string, string>>;

interface Header {
  readonly key: CacheKey;
  readonly arrays: readonly { readonly name: string; readonly bytes: number }[];
}

/** The arrays of a valid cache file, or why there are none. */
export type CacheRead =
  | { readonly arrays: Record<string, Uint8Array<ArrayBuffer>> }
  | { readonly miss: string };

function sameKey(a: CacheKey, b: CacheKey): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Reads the cache at `url` if it exists, matches `key` and is complete. */
export async function readCache(url: URL, key: CacheKey): Promise<CacheRead> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(url);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { miss: "no cache yet" };
    throw err;
  }
  const fixed = MAGIC.length + 4;
  if (bytes.length < fixed || !MAGIC.every((b, i) => bytes[i] === b)) {
    return { miss: "the file has no cache header" };
  }
  const headerLength = new DataView(bytes.buffer).getUint32(MAGIC.length, true);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(fixed, fixed + headerLength)));
  } catch {
    return { miss: "the cache header is unreadable" };
  }
  if (!sameKey(header.key, key)) return { miss: "the cache is stale, built from other sources" };
  const expected = fixed + headerLength + header.arrays.reduce((n, a) => n + a.bytes, 0);
  if (bytes.length !== expected) {
    return { miss: `the cache is truncated, ${bytes.length} of ${expected} bytes` };
  }
  const arrays: Record<string, Uint8Array<ArrayBuffer>> = {};
  let at = fixed + headerLength;
  for (const { name, bytes: n } of header.arrays) {
    arrays[name] = bytes.subarray(at, at + n);
    at += n;
  }
  return { arrays };
}

/**
 * Writes a cache file atomically (a temporary file, then a rename), so an interrupted write never
 * leaves a file that looks complete.
 */
export async function writeCache(
  url: URL,
  key: CacheKey,
  arrays: Readonly<Record<string, Uint8Array>>,
): Promise<void> {
  const entries = Object.entries(arrays);
  const header = new TextEncoder().encode(
    JSON.stringify({ key, arrays: entries.map(([name, a]) => ({ name, bytes: a.length })) }),
  );
  const total = MAGIC.length + 4 + header.length + entries.reduce((n, [, a]) => n + a.length, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC);
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true);
  out.set(header, MAGIC.length + 4);
  let at = MAGIC.length + 4 + header.length;
  for (const [, a] of entries) {
    out.set(a, at);
    at += a.length;
  }
  await Deno.mkdir(new URL(".", url), { recursive: true });
  const temporary = new URL(`${url.href}.${Deno.pid}.${crypto.randomUUID()}.tmp`);
  try {
    await Deno.writeFile(temporary, out);
    await Deno.rename(temporary, url);
  } catch (err) {
    await Deno.remove(temporary).catch(() => {});
    throw err;
  }
}
