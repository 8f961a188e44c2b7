import * as v from 'valibot';
import { utf8Decode, utf8Encode } from './platform.js';

/**
 * Message content: what the codec encrypts. A small versioned JSON envelope so that new kinds of
 * content (attachments, edits, …) can be added without breaking older clients, which report them as
 * unsupported instead of misreading them.
 */
export const TextContent = v.object({
  v: v.literal(1),
  type: v.literal('text'),
  text: v.string(),
});
export type TextContent = v.InferOutput<typeof TextContent>;

/**
 * A guest's first message in a guest chat: its display name, which only the host reads (the
 * server never learns it). The host's client shows the chat only once this opened, which proves
 * the guest held the link.
 */
export const HelloContent = v.object({
  v: v.literal(1),
  type: v.literal('hello'),
  name: v.pipe(v.string(), v.maxLength(1024)),
});
export type HelloContent = v.InferOutput<typeof HelloContent>;

export const MessageContent = v.variant('type', [TextContent, HelloContent]);
export type MessageContent = v.InferOutput<typeof MessageContent>;

export function encodeContent(content: MessageContent): Uint8Array {
  return utf8Encode(JSON.stringify(content));
}

export function textContent(text: string): TextContent {
  return { v: 1, type: 'text', text };
}

export function helloContent(name: string): HelloContent {
  return { v: 1, type: 'hello', name };
}

export type DecodeContentResult =
  { ok: true; content: MessageContent } | { ok: false; reason: string };

/** Decodes and validates content bytes; never throws. */
export function decodeContent(bytes: Uint8Array): DecodeContentResult {
  let json: unknown;
  try {
    json = JSON.parse(utf8Decode(bytes)) as unknown;
  } catch {
    return { ok: false, reason: 'content is not UTF-8 JSON' };
  }
  const result = v.safeParse(MessageContent, json);
  if (!result.success)
    return { ok: false, reason: `unsupported content: ${result.issues[0].message}` };
  return { ok: true, content: result.output };
}
