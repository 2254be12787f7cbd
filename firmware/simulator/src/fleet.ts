import { sha256 } from '@noble/hashes/sha2.js';
import {
  KeyType,
  encodeReading,
  encodeSignedReading,
  publicKeyOf,
  signReadingBytes,
  type Reading,
} from '@gridproof/protocol';

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
}

export interface CreateFleetParameters {
  /** Number of meters (default 20). */
  size?: number;
  /** Same seed, same keys, ids and curves. */
  seed?: string;
  /** Share of solar meters; the rest are industrial loads (default 0.8). */
  solarShare?: number;
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
export function createFleet({ size = 20, seed = 'gridproof-devnet', solarShare = 0.8 }: CreateFleetParameters = {}): VirtualMeterSpec[] {
  const solarCount = Math.round(size * solarShare);
  return Array.from({ length: size }, (_, i) => {
    const profile: MeterProfile = i < solarCount ? 'solar' : 'industrial';
    const number = profile === 'solar' ? i + 1 : i - solarCount + 1;
    const privateKey = sha256(new TextEncoder().encode(`${seed}/meter/${i}`));
    const rand = prng(i + 1);
    return {
      deviceId: `${profile === 'solar' ? 'SOLR' : 'INDU'}_${String(number).padStart(4, '0')}`,
      profile,
      keyType: KeyType.P256,
      privateKey,
      publicKey: publicKeyOf(KeyType.P256, privateKey),
      ratedW: profile === 'solar' ? 3_000 + Math.round(rand() * 7_000) : 20_000 + Math.round(rand() * 30_000),
    };
  });
}

/** Clear-sky solar output (0..1) at a unix time: a half-sine between 06:00 and 18:00 UTC. */
export function solarFactor(unixSeconds: number): number {
  const hour = (unixSeconds % 86_400) / 3_600;
  return hour <= 6 || hour >= 18 ? 0 : Math.sin((Math.PI * (hour - 6)) / 12);
}

/** Power a meter's profile gives at a time, with small seeded noise (clouds, load changes). */
export function powerAt(spec: VirtualMeterSpec, unixSeconds: number, noise: () => number): number {
  if (spec.profile === 'solar') return Math.round(spec.ratedW * solarFactor(unixSeconds) * (0.85 + 0.15 * noise()));
  const shift = ((unixSeconds % 86_400) / 3_600 >= 7 && (unixSeconds % 86_400) / 3_600 < 19 ? 1 : 0.4);
  return Math.round(spec.ratedW * shift * (0.9 + 0.2 * noise()));
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
    const reading: Reading = {
      deviceId: this.spec.deviceId,
      counter: this.counter,
      timestamp: unixSeconds,
      powerW,
      energyWh: this.energyWh,
      voltageMv: Math.round(230_000 + (this.noise() - 0.5) * 6_000),
      status: 'ON',
    };
    const bytes = encodeReading(reading);
    return { reading, signed: encodeSignedReading(bytes, signReadingBytes(bytes, this.spec.keyType, this.spec.privateKey)) };
  }
}
