import * as v from 'valibot';
import { AppError } from '../errors.js';

/** Validates a request body against its protocol schema; the output holds only known keys. */
export function parseBody<T>(schema: v.GenericSchema<unknown, T>, body: unknown): T {
  const result = v.safeParse(schema, body);
  if (!result.success) throw new AppError('bad_request', result.issues[0].message);
  return result.output;
}
