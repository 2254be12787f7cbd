import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import type { z } from 'zod';
import { type frozenDevices, windows } from './windows.js';

export const selectWindowSchema = createSelectSchema(windows);
export const insertWindowSchema = createInsertSchema(windows);

/** A sealed window row. */
export type WindowRow = z.infer<typeof selectWindowSchema>;
export type NewWindowRow = z.infer<typeof insertWindowSchema>;

/** A device freeze row. */
export type FrozenDeviceRow = typeof frozenDevices.$inferSelect;
