/**
 * The Jupyter messaging wire protocol (version 5.3): messages as JSON parts, framed for ZeroMQ
 * behind the `<IDS|MSG>` delimiter and signed with HMAC-SHA256 over header, parent header,
 * metadata and content, in that order.
 *
 * @module
 */

import { createHmac, timingSafeEqual } from "node:crypto";

/** The protocol version the runner speaks. */
export const PROTOCOL_VERSION = "5.3";

/** Separates routing identities from the message parts. */
const DELIMITER = "<IDS|MSG>";

/** A message header. */
export interface Header {
  /** Unique per message; replies and outputs name it in their parent header. */
  readonly msg_id: string;
  /** For example `execute_request`, `stream`, `status`. */
  readonly msg_type: string;
  /** The sending session. */
  readonly session: string;
  /** The sending user. */
  readonly username: string;
  /** ISO 8601 time of sending. */
  readonly date: string;
  /** Protocol version. */
  readonly version: string;
}

/** A decoded Jupyter message. Content stays loosely typed: each message type has its own shape. */
export interface Message {
  /** This message's header. */
  readonly header: Header;
  /** The header of the request this message answers, or `{}` when it answers none. */
  readonly parent_header: Partial<Header>;
  /** Free-form metadata. */
  readonly metadata: Record<string, unknown>;
  /** The message-type-specific body. */
  readonly content: Record<string, unknown>;
}

/** Thrown when frames are not a well-formed or correctly signed Jupyter message. */
export class WireError extends Error {
  /** Builds the error; `message` says what was wrong with the frames. */
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

/** A new message from this client's `session`, optionally answering `parent`. */
export function createMessage(
  msgType: string,
  content: Record<string, unknown>,
  session: string,
  parent: Partial<Header> = {},
): Message {
  return {
    header: {
      msg_id: crypto.randomUUID(),
      msg_type: msgType,
      session,
      username: "fdl-course",
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: parent,
    metadata: {},
    content,
  };
}

/** The hex HMAC-SHA256 of the four signed parts; an empty key means "unsigned" per the spec. */
function sign(key: string, parts: readonly string[]): string {
  if (key === "") return "";
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/** The frames that carry `message`, signed with `key`. */
export function encode(message: Message, key: string): string[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content]
    .map((part) => JSON.stringify(part));
  return [DELIMITER, sign(key, parts), ...parts];
}

/**
 * Decodes received frames (any routing identities or pub/sub topics before the delimiter are
 * skipped; binary buffers after the content are ignored: no output the runner keeps uses them).
 * Throws a {@link WireError} when the frames are malformed or the signature does not match, since
 * a message that cannot be trusted cannot be placed in the notebook either.
 */
export function decode(frames: readonly Uint8Array[], key: string): Message {
  const text = new TextDecoder();
  const at = frames.findIndex((frame) => text.decode(frame) === DELIMITER);
  if (at < 0 || frames.length < at + 6) {
    throw new WireError(
      `Malformed Jupyter message: ${frames.length} frames, delimiter at ${at}.`,
    );
  }
  const signature = text.decode(frames[at + 1]);
  const parts = frames.slice(at + 2, at + 6).map((frame) => text.decode(frame));
  const expected = sign(key, parts);
  if (
    signature.length !== expected.length ||
    !timingSafeEqual(new TextEncoder().encode(signature), new TextEncoder().encode(expected))
  ) {
    throw new WireError("A Jupyter message arrived with a bad HMAC signature.");
  }
  const [header, parent_header, metadata, content] = parts.map((part) => JSON.parse(part));
  return { header, parent_header, metadata, content };
}
