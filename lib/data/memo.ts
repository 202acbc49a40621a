/**
 * An in-process memo for decoded data sets, so a notebook that loads MNIST in several cells decodes
 * it once.
 *
 * Entries are held through `WeakRef`: once no cell holds the decoded data, the garbage collector may
 * free it (decoded sets are tens of megabytes), and the next load decodes again. Keys include the
 * sha256 of the verified source bytes, so a changed file never hits a stale entry.
 *
 * @module
 */

const entries = new Map<string, WeakRef<object> | Promise<object>>();

/**
 * The value memoized under `key`, or the result of `make()`, which is then memoized. Concurrent
 * calls with one key share one `make()`. A failed `make()` is not memoized.
 */
export async function memoize<T extends object>(key: string, make: () => Promise<T>): Promise<T> {
  const hit = entries.get(key);
  if (hit instanceof Promise) return (await hit) as T;
  const alive = hit?.deref();
  if (alive) return alive as T;
  const pending = make();
  entries.set(key, pending);
  try {
    const value = await pending;
    entries.set(key, new WeakRef(value));
    return value;
  } catch (err) {
    entries.delete(key);
    throw err;
  }
}

/** The memo key of data decoded from a verified file: its location and its checksum. */
export function memoKey(kind: string, file: { url: URL; entry: { sha256: string } }): string {
  return `${kind}:${file.url.href}#${file.entry.sha256}`;
}
