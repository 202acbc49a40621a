/**
 * A minimal reader for ustar (POSIX tar) archives held in memory: enough for the course's own
 * tarballs, with no dependency.
 *
 * @module
 */

/** One member of a tar archive. */
export interface TarEntry {
  /** Path inside the archive (`prefix/name` when the header splits it). */
  readonly name: string;
  /** `"file"`, `"directory"`, or the raw type flag of anything else (links, devices). */
  readonly type: string;
  /** The member's bytes (a view into the archive; empty for directories). */
  readonly data: Uint8Array;
}

const BLOCK = 512;
const latin1 = new TextDecoder("latin1");

/** A NUL-terminated header field as text. */
function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return latin1.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** An octal number field (tar writes sizes and checksums as octal text). */
function octal(header: Uint8Array, start: number, length: number, what: string, at: number) {
  const text = field(header, start, length).trim();
  if (!/^[0-7]+$/.test(text)) {
    throw new Error(`tar: the ${what} field of the header at byte ${at} is not octal: "${text}"`);
  }
  return parseInt(text, 8);
}

/**
 * The members of a ustar archive, in archive order. Each header's checksum is verified, so a damaged
 * archive fails loudly instead of yielding garbage.
 *
 * @throws on a bad checksum, a truncated member, or a pax or GNU extension header (which this
 * reader does not interpret).
 */
export function* readTar(archive: Uint8Array, what = "tar archive"): Generator<TarEntry> {
  for (let at = 0; at + BLOCK <= archive.length;) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return; // The end-of-archive marker.
    const stored = octal(header, 148, 8, "checksum", at);
    let sum = 0;
    // The checksum counts its own field as eight spaces.
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
    if (sum !== stored) {
      throw new Error(`${what}: the tar header at byte ${at} has a bad checksum (damaged archive)`);
    }
    const flag = field(header, 156, 1);
    if (flag === "x" || flag === "g" || flag === "L" || flag === "K") {
      throw new Error(
        `${what}: the member at byte ${at} uses a pax or GNU extension header ('${flag}'), ` +
          "which this minimal ustar reader does not support",
      );
    }
    const size = octal(header, 124, 12, "size", at);
    const prefix = field(header, 345, 155);
    const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    const start = at + BLOCK;
    if (start + size > archive.length) {
      throw new Error(`${what}: the member ${name} is truncated (the archive ends early)`);
    }
    const type = flag === "0" || flag === "" ? "file" : flag === "5" ? "directory" : flag;
    yield { name, type, data: archive.subarray(start, start + size) };
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
}
