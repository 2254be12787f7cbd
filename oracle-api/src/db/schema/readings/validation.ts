import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { readings } from './readings.js';

// drizzle-zod cannot see through the bytea custom type: say what it holds.
const signed = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes');

export const selectReadingSchema = createSelectSchema(readings, { signed });
export const insertReadingSchema = createInsertSchema(readings, { signed });

/** A stored reading row. */
export type ReadingRow = z.infer<typeof selectReadingSchema>;
export type NewReadingRow = z.infer<typeof insertReadingSchema>;
