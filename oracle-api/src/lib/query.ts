import type { z } from 'zod';
import { ApiError } from './errors.js';

/** Parses query or path parameters with a zod schema; 400 `code` with the zod issues on failure. */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown, code = 'INVALID_QUERY'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new ApiError(400, code, `Invalid parameters: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, { issues });
}
