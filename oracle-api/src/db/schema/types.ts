import { customType } from 'drizzle-orm/pg-core';

/** Postgres `bytea` as a Uint8Array (PGlite and node-postgres both return bytea as bytes). */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType() {
    return 'bytea';
  },
  toDriver(value) {
    return value;
  },
  fromDriver(value) {
    return value instanceof Uint8Array ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : value;
  },
});
