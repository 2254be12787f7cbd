/** Shared test fixtures (not a test file): keys, signed readings, an in-memory service with a movable clock. */
import { afterAll, beforeAll } from 'vitest';
import { encodeReading, encodeSignedReading, KeyType, publicKeyOf, signReadingBytes, toHex, type Reading } from '@gridproof/protocol';
import { readings as readingsTable, windows as windowsTable } from '../db/schema/index.js';
import { createOracleApi, type OracleApiConfig } from '../createOracleApi.js';
import { createMemoryDeviceDirectory } from '../devices/deviceDirectory.js';
import { silentLogger } from '../lib/logger.js';
import { startOracleApi, type StartOracleApiParameters, type StartOracleApiReturnType } from '../startOracleApi.js';
import { createTestDatabase } from './database.js';

/** 2026-01-01T00:00:00Z: window-aligned for every allowed length. */
export const T0 = 1767225600;

const fill = (b: number) => new Uint8Array(32).fill(b);

export const meters = {
  /** A hardware-style meter (P-256). */
  solar: { deviceId: 'SOLR_0001', keyType: KeyType.P256, privateKey: fill(0x11) },
  /** A software meter (Ed25519). */
  wind: { deviceId: 'WIND_0002', keyType: KeyType.ED25519, privateKey: fill(0x22) },
  /** Registered, later revoked in tests. */
  house: { deviceId: 'HOUS_0003', keyType: KeyType.P256, privateKey: fill(0x33) },
  /** Never registered. */
  rogue: { deviceId: 'ROGU_0666', keyType: KeyType.P256, privateKey: fill(0x44) },
} as const;

export type Meter = (typeof meters)[keyof typeof meters];

export function keyEntry(m: Meter, active = true) {
  return { keyType: m.keyType, publicKey: publicKeyOf(m.keyType, m.privateKey), active };
}

/** A signed reading (107 bytes) of `m`; energy grows with the counter unless given. */
export function signed(m: Meter, counter: number, timestamp: number, overrides: Partial<Reading> = {}): Uint8Array {
  const reading: Reading = {
    deviceId: m.deviceId,
    counter,
    timestamp,
    powerW: 1500,
    energyWh: 100_000 + counter * 25,
    voltageMv: 230_000,
    status: 'ON',
    ...overrides,
  };
  const bytes = encodeReading(reading);
  return encodeSignedReading(bytes, signReadingBytes(bytes, m.keyType, m.privateKey));
}

export const hexOf = (bytes: Uint8Array) => toHex(bytes);

/** A clock tests move by hand (`clock.t = …`), starting at `t`. */
export function testClock(t = T0 + 10) {
  return {
    t,
    now() {
      return this.t;
    },
  };
}

/** A device directory with solar, wind and house registered (rogue never is). */
export function testDevices() {
  return createMemoryDeviceDirectory({
    [meters.solar.deviceId]: keyEntry(meters.solar),
    [meters.wind.deviceId]: keyEntry(meters.wind),
    [meters.house.deviceId]: keyEntry(meters.house),
  });
}

/** A real HTTP server on 127.0.0.1 (free port, in-memory PGlite, no broker, no sealing timer, verification inline). */
export function startTestServer(options: Pick<StartOracleApiParameters, 'devices' | 'clock' | 'auth'>): Promise<StartOracleApiReturnType> {
  return startOracleApi({ port: 0, host: '127.0.0.1', dataDir: 'memory', sealIntervalMs: 0, mqtt: false, logger: silentLogger, verifyThreads: 0, ...options });
}

/**
 * A service with solar, wind and house registered and a clock tests move by hand; on in-memory
 * PGlite, or a fresh PostgreSQL schema (dropped on close) when the suite runs on PostgreSQL.
 */
export async function createTestApi(config: OracleApiConfig = {}) {
  const clock = testClock();
  const devices = testDevices();
  const database = await createTestDatabase();
  const service = await createOracleApi({ dataDir: 'memory', clock, devices, logger: silentLogger, ...database.config, ...config });
  const api = {
    ...service,
    async close() {
      await service.close();
      await database.drop();
    },
  };
  const post = (body: unknown, init: RequestInit = {}) =>
    api.app.request('/v1/readings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });
  const postReadings = (...readings: Uint8Array[]) => post({ readings: readings.map(hexOf) });
  const readingCount = async () => api.ctx.db.$count(readingsTable);
  return { ...api, clock, devices, post, postReadings, readingCount };
}

export type TestApi = Awaited<ReturnType<typeof createTestApi>>;

/** One {@link createTestApi} for the calling test file (made before its tests, closed after); call the getter inside tests. */
export function useTestApi(config?: OracleApiConfig): () => TestApi {
  let api: TestApi | undefined;
  beforeAll(async () => {
    api = await createTestApi(config);
  });
  afterAll(() => api?.close());
  return () => api!;
}

/** Empties the database and restores clock and devices, so one PGlite instance serves a whole test file (start-up costs seconds). */
export async function resetTestApi(api: TestApi): Promise<void> {
  await api.ctx.db.delete(readingsTable);
  await api.ctx.db.delete(windowsTable);
  api.clock.t = T0 + 10;
  api.devices.set(meters.solar.deviceId, keyEntry(meters.solar));
  api.devices.set(meters.wind.deviceId, keyEntry(meters.wind));
  api.devices.set(meters.house.deviceId, keyEntry(meters.house));
}

/** The error body of a response, asserting its status. */
export async function errorOf(res: Response, status: number): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  const body = (await res.json()) as { error: { code: string; message: string; details?: Record<string, unknown> } };
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${JSON.stringify(body)}`);
  return body.error;
}
