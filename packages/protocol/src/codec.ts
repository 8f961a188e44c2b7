import * as v from 'valibot';
import { ClientFrame, ServerFrame } from './frames.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

function parseJson(text: string): ParseResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
}

function parseWith<T>(schema: v.GenericSchema<unknown, T>, text: string): ParseResult<T> {
  const json = parseJson(text);
  if (!json.ok) return json;
  const result = v.safeParse(schema, json.value);
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
  return { ok: false, reason: path ? `${path}: ${issue.message}` : issue.message };
}

/** Parses and validates an inbound frame on the server. The output holds only known keys. */
export function parseClientFrame(text: string): ParseResult<ClientFrame> {
  return parseWith(ClientFrame, text);
}

/** Parses and validates a frame from the server in the SDK. */
export function parseServerFrame(text: string): ParseResult<ServerFrame> {
  return parseWith(ServerFrame, text);
}
