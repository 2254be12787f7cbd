import type { EventEmitter } from 'node:events';
import type { CID } from 'multiformats/cid';
import type { AuthContext } from './auth/config.js';
import type { NewReadingRow } from './db/schema/index.js';
import type { Database } from './db/client.js';
import type { DeviceDirectory } from './devices/deviceDirectory.js';
import type { Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import type { Mutex } from './lib/mutex.js';
import type { RemotePinner } from './services/pinning.js';
import type { VerifyPool } from './services/verifyPool.js';

/** The rules the service enforces; all in seconds unless said otherwise. */
export interface OracleApiRules {
  /** Window length; divides 3600. */
  windowSeconds: number;
  /** A window is sealed once `end + sealGraceSeconds <= now`; readings for it are refused from then on. */
  sealGraceSeconds: number;
  /** Readings timestamped more than this ahead of the service clock are refused. */
  maxClockSkewSeconds: number;
  /** Most readings in one POST. */
  maxBatch: number;
  /** Most bytes in one POST body (derived from maxBatch unless given). */
  maxBodyBytes: number;
}

/** The part of blockstore-fs (interface-blockstore) the service uses. */
export interface BlockStore {
  put(cid: CID, bytes: Uint8Array): Promise<unknown>;
  get(cid: CID): AsyncIterable<Uint8Array> | Promise<Uint8Array>;
  has(cid: CID): Promise<boolean>;
}

/** Everything handlers and services share; one per running service. */
export interface ServiceContext {
  db: Database;
  blocks: BlockStore;
  devices: DeviceDirectory;
  clock: Clock;
  rules: OracleApiRules;
  /** Serializes ingest against sealing (see services/sealWindows.ts). */
  lock: Mutex;
  logger: Logger;
  /** Signature checks for ingest (worker threads for large P-256 batches). */
  verifier: VerifyPool;
  /** `readings` (NewReadingRow[]) after each commit that stored new readings; feeds /v1/live. */
  events: EventEmitter<ServiceEvents>;
  /** 'watched': anchored_at is kept from the DataLogger; 'unknown': no DataLogger configured, so sealed windows cannot be told anchored or pending. */
  anchoring: 'watched' | 'unknown';
  /** Liveness of the parts /health reports; filled in as they start. */
  status: ServiceStatus;
  /** Sign-In with Ethereum and session cookie settings. */
  auth: AuthContext;
  /** Where POST /v1/pins also pins (Storacha in production); none by default. */
  remotePinner?: RemotePinner;
}

export interface ServiceEvents {
  readings: [NewReadingRow[]];
}

/** What /health asks each part; each answers without throwing. */
export interface ServiceStatus {
  database(): Promise<ComponentState>;
  broker?(): ComponentState;
  chain?(): Promise<ComponentState>;
}

export interface ComponentState {
  status: 'ok' | 'down' | 'disabled';
  [key: string]: unknown;
}

/** Hono environment: handlers read the context with `c.get('ctx')`. */
export interface AppEnv {
  Variables: { ctx: ServiceContext };
}
