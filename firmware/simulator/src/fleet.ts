import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { KeyType, encodeReading, encodeSignedReading, publicKeyOf, signReadingBytes, type Reading } from '@gridproof/protocol';

export type MeterProfile = 'solar' | 'industrial';

export interface VirtualMeterSpec {
  deviceId: string;
  profile: MeterProfile;
  keyType: KeyType;
  /** P-256 private key; stands in for the meter's ATECC608A (never leaves the simulator). */
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  /** Peak power (solar) or mean load (industrial), W. */
  ratedW: number;
  /** Ed25519 link key for fog gateways (separate from the reading key: the gateway never holds what signs numbers). */
  linkPrivateKey: Uint8Array;
  linkPublicKey: Uint8Array;
  /** The fleet seed: one sky (clouds) and one outage schedule per seed. */
  seed?: string;
  /** Grid outages at this meter: status OFF, power 0, uplink down (readings buffered, sent on recovery). */
  outages?: OutageSchedule;
  /** Passing clouds on solar output (default true). */
  clouds?: boolean;
}

export interface OutageSchedule {
  /** Expected outages per day (0 = none). */
  perDay: number;
  /** Mean length, minutes (each outage lasts 0.5–1.5 × this, at most 60). */
  meanMinutes: number;
}

export interface CreateFleetParameters {
  /** Number of meters (default 20). */
  size?: number;
  /** Same seed, same keys, ids and curves. */
  seed?: string;
  /** Share of solar meters; the rest are industrial loads (default 0.8). */
  solarShare?: number;
  /** Grid outages per meter per day (default 0). */
  outagesPerDay?: number;
  /** Mean outage length in minutes (default 20). */
  outageMinutes?: number;
  /** Seeded passing clouds on solar meters (default true). */
  clouds?: boolean;
}

/** Deterministic 32-bit PRNG (mulberry32): the fleet must replay identically from a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A fleet of virtual meters with P-256 keys derived from the seed. Solar meters are `SOLR_nnnn`,
 * industrial loads `INDU_nnnn`.
 * @example createFleet({ size: 20, seed: 'devnet' })
 */
export function createFleet({
  size = 20,
  seed = 'gridproof-devnet',
  solarShare = 0.8,
  outagesPerDay = 0,
  outageMinutes = 20,
  clouds = true,
}: CreateFleetParameters = {}): VirtualMeterSpec[] {
  const solarCount = Math.round(size * solarShare);
  return Array.from({ length: size }, (_, i) => {
    const profile: MeterProfile = i < solarCount ? 'solar' : 'industrial';
    const number = profile === 'solar' ? i + 1 : i - solarCount + 1;
    const privateKey = sha256(new TextEncoder().encode(`${seed}/meter/${i}`));
    const rand = prng(i + 1);
    const linkPrivateKey = sha256(new TextEncoder().encode(`${seed}/link/${i}`));
    return {
      deviceId: `${profile === 'solar' ? 'SOLR' : 'INDU'}_${String(number).padStart(4, '0')}`,
      profile,
      keyType: KeyType.P256,
      privateKey,
      publicKey: publicKeyOf(KeyType.P256, privateKey),
      ratedW: profile === 'solar' ? 3_000 + Math.round(rand() * 7_000) : 20_000 + Math.round(rand() * 30_000),
      linkPrivateKey,
      linkPublicKey: ed25519.getPublicKey(linkPrivateKey),
      seed,
      outages: { perDay: outagesPerDay, meanMinutes: outageMinutes },
      clouds,
    };
  });
}

/** Clear-sky solar output (0..1) at a unix time: a half-sine between 06:00 and 18:00 UTC. */
export function solarFactor(unixSeconds: number): number {
  const hour = (unixSeconds % 86_400) / 3_600;
  return hour <= 6 || hour >= 18 ? 0 : Math.sin((Math.PI * (hour - 6)) / 12);
}

/** A uniform number in [0, 1) from any parts: the same parts give the same number on every run. */
export function unitHash(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const c of parts.join('/')) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return prng(h)();
}

/** Length of one cloud cell, s: the sky changes every few minutes, not every reading. */
const CLOUD_CELL_SECONDS = 300;

/**
 * Share of clear-sky output that gets through passing clouds (0.25..1), the same sky for the
 * whole fleet of a seed (panels in one area see the same clouds). Cloud cover is drawn per
 * 5-minute cell from the seed, about 40 % of cells clear, and eased between cells.
 */
export function cloudFactor(seed: string, unixSeconds: number): number {
  const cell = Math.floor(unixSeconds / CLOUD_CELL_SECONDS);
  const cover = (c: number) => Math.max(0, (unitHash(seed, 'clouds', c) - 0.4) / 0.6);
  const f = (unixSeconds % CLOUD_CELL_SECONDS) / CLOUD_CELL_SECONDS;
  const ease = (1 - Math.cos(Math.PI * f)) / 2;
  return 1 - 0.75 * (cover(cell) * (1 - ease) + cover(cell + 1) * ease);
}

/** Industrial load share: day shift 07–19 UTC on weekdays, a 40 % base load at night, 30 % at weekends. */
export function industrialFactor(unixSeconds: number): number {
  const weekday = (Math.floor(unixSeconds / 86_400) + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  if (weekday === 0 || weekday === 6) return 0.3;
  const hour = (unixSeconds % 86_400) / 3_600;
  return hour >= 7 && hour < 19 ? 1 : 0.4;
}

/** True while the meter's grid connection is down (its seeded outage schedule). */
export function inOutage(spec: VirtualMeterSpec, unixSeconds: number): boolean {
  const { perDay, meanMinutes } = spec.outages ?? { perDay: 0, meanMinutes: 0 };
  if (perDay <= 0) return false;
  const hour = Math.floor(unixSeconds / 3_600);
  // An outage starts in some hour and lasts at most an hour, so this hour and the previous one decide.
  for (const h of [hour, hour - 1]) {
    if (unitHash(spec.seed ?? '', spec.deviceId, 'outage', h) >= perDay / 24) continue;
    const start = h * 3_600 + Math.floor(unitHash(spec.seed ?? '', spec.deviceId, 'start', h) * 3_600);
    const length = Math.min(3_600, Math.round(meanMinutes * 60 * (0.5 + unitHash(spec.seed ?? '', spec.deviceId, 'length', h))));
    if (unixSeconds >= start && unixSeconds < start + length) return true;
  }
  return false;
}

/** Power a meter's profile gives at a time: solar curve × clouds, or the shift pattern, with small seeded noise; 0 in an outage. */
export function powerAt(spec: VirtualMeterSpec, unixSeconds: number, noise: () => number): number {
  if (inOutage(spec, unixSeconds)) return 0;
  if (spec.profile === 'solar') {
    const sky = spec.clouds === false ? 1 : cloudFactor(spec.seed ?? '', unixSeconds);
    return Math.round(spec.ratedW * solarFactor(unixSeconds) * sky * (0.92 + 0.08 * noise()));
  }
  return Math.round(spec.ratedW * industrialFactor(unixSeconds) * (0.9 + 0.2 * noise()));
}

/**
 * One virtual meter: integrates power into its cumulative register and signs every reading
 * like the firmware does (encode v1 → SHA-256 → P-256, low-S).
 */
export class VirtualMeter {
  counter: number;
  energyWh: number;
  private energyRemainderWh = 0;
  private lastTimestamp: number | undefined;
  private readonly noise: () => number;

  constructor(
    readonly spec: VirtualMeterSpec,
    state: { counter?: number; energyWh?: number } = {},
  ) {
    this.counter = state.counter ?? 0;
    this.energyWh = state.energyWh ?? 0;
    this.noise = prng(spec.deviceId.split('').reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261));
  }

  /** False while the meter's grid (and so its uplink) is down: readings are taken and buffered, not sent. */
  isOnline(unixSeconds: number): boolean {
    return !inOutage(this.spec, unixSeconds);
  }

  /** Takes a reading at `unixSeconds` and returns the 107 signed bytes. */
  read(unixSeconds: number): { reading: Reading; signed: Uint8Array } {
    const powerW = powerAt(this.spec, unixSeconds, this.noise);
    if (this.lastTimestamp !== undefined && unixSeconds > this.lastTimestamp) {
      this.energyRemainderWh += (powerW * (unixSeconds - this.lastTimestamp)) / 3_600;
      const whole = Math.floor(this.energyRemainderWh);
      this.energyWh += whole;
      this.energyRemainderWh -= whole;
    }
    this.lastTimestamp = unixSeconds;
    this.counter += 1;
    const off = inOutage(this.spec, unixSeconds);
    const voltageNoise = this.noise();
    const reading: Reading = {
      deviceId: this.spec.deviceId,
      counter: this.counter,
      timestamp: unixSeconds,
      powerW,
      energyWh: this.energyWh,
      // No grid, no voltage: the meter runs on its backup supply and records the outage.
      voltageMv: off ? 0 : Math.round(230_000 + (voltageNoise - 0.5) * 6_000),
      status: off ? 'OFF' : 'ON',
    };
    const bytes = encodeReading(reading);
    return { reading, signed: encodeSignedReading(bytes, signReadingBytes(bytes, this.spec.keyType, this.spec.privateKey)) };
  }
}
