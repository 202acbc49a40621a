/**
 * Gzip decompression with the web platform's `DecompressionStream`, so no dependency is needed.
 *
 * @module
 */

/**
 * The decompressed bytes of a gzip file.
 *
 * @throws when `bytes` is not valid gzip (the stream's own error, with `what` named in front).
 */
export async function gunzip(
  bytes: Uint8Array<ArrayBuffer>,
  what = "gzip data",
): Promise<Uint8Array<ArrayBuffer>> {
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (err) {
    throw new Error(`${what} is not valid gzip: ${(err as Error).message}`);
  }
}
