// Cross-check: the C++ core (through the gridproof-meter-sim host binary) against the TypeScript protocol.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  KeyType,
  decodeSignedReading,
  encodeReading,
  equalBytes,
  fromHex,
  isLowS,
  publicKeyOf,
  toHex,
  verifyReadingBytes,
  type Reading,
} from '@gridproof/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sim = join(root, 'build/host/gridproof-meter-sim');
const vectors = JSON.parse(readFileSync(join(root, '../../protocol/test-vectors/readings.json'), 'utf8')) as {
  cases: { reading: Reading; keyType: number; privateKey: string; publicKey: string; signed: string }[];
};

const line = (r: Reading) => `${r.deviceId} ${r.counter} ${r.timestamp} ${r.powerW} ${r.energyWh} ${r.voltageMv} ${r.status}`;

function runSim(args: string[], input?: string): string[] {
  return execFileSync(sim, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
    .split('\n')
    .filter((l) => l.length > 0);
}

function freshP256Key(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const d = privateKey.export({ format: 'jwk' }).d as string;
  return toHex(new Uint8Array(Buffer.from(d, 'base64url')));
}

// Deterministic spread of readings, including the extremes of every field.
function readingsFor(count: number, seed: number): Reading[] {
  let x = seed;
  const next = (mod: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % mod;
  };
  const ids = ['SOLR_0001', 'INDU_0042', 'A1B2_9999', '0000_0000', 'ZZZZ_1234'];
  const out: Reading[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      deviceId: ids[i % ids.length],
      counter: i === 0 ? Number.MAX_SAFE_INTEGER : i * 1000 + next(1000),
      timestamp: 1767225600 + next(1_000_000),
      powerW: i === 1 ? 0xffffffff : next(20_000),
      energyWh: i === 2 ? Number.MAX_SAFE_INTEGER : next(2 ** 31) * 1000,
      voltageMv: i === 3 ? 0xffffffff : 220_000 + next(20_000),
      status: next(2) === 0 ? 'ON' : 'OFF',
    });
  }
  return out;
}

beforeAll(() => {
  // Reuses the build from `npm test` (make is a no-op when up to date); builds it when run alone.
  execFileSync('make', ['-s', '-j2', 'host'], { cwd: root, stdio: 'inherit' });
}, 120_000);

describe('gridproof-meter-sim (C++ core) against @gridproof/protocol', () => {
  it('reproduces every P-256 test vector byte for byte', () => {
    const p256 = vectors.cases.filter((c) => c.keyType === KeyType.P256);
    expect(p256.length).toBeGreaterThan(0);
    for (const c of p256) {
      expect(runSim(['public-key', '--key', c.privateKey])).toEqual([c.publicKey]);
      expect(runSim(['sign', '--key', c.privateKey], `${line(c.reading)}\n`)).toEqual([c.signed]);
    }
  });

  it('signs readings that TypeScript encodes identically and verifies, for fresh keys', () => {
    for (let k = 0; k < 3; k++) {
      const key = freshP256Key();
      const publicKey = publicKeyOf(KeyType.P256, fromHex(key));
      expect(runSim(['public-key', '--key', key])).toEqual([toHex(publicKey)]);
      const readings = readingsFor(40, k + 1);
      const out = runSim(['sign', '--key', key], readings.map(line).join('\n'));
      expect(out).toHaveLength(readings.length);
      out.forEach((hex, i) => {
        const signed = decodeSignedReading(fromHex(hex));
        expect(equalBytes(signed.readingBytes, encodeReading(readings[i]))).toBe(true);
        expect(signed.reading).toEqual(readings[i]);
        expect(isLowS(signed.signature)).toBe(true);
        expect(verifyReadingBytes(signed.readingBytes, signed.signature, { keyType: KeyType.P256, publicKey })).toBe(true);
      });
    }
  });

  it('a C++ signature does not verify for another reading or another key', () => {
    const key = freshP256Key();
    const [hex] = runSim(['sign', '--key', key], line(readingsFor(1, 9)[0]));
    const signed = decodeSignedReading(fromHex(hex));
    const tampered = signed.readingBytes.slice();
    tampered[29] ^= 1; // power
    const publicKey = publicKeyOf(KeyType.P256, fromHex(key));
    expect(verifyReadingBytes(tampered, signed.signature, { keyType: KeyType.P256, publicKey })).toBe(false);
    const other = publicKeyOf(KeyType.P256, fromHex(freshP256Key()));
    expect(verifyReadingBytes(signed.readingBytes, signed.signature, { keyType: KeyType.P256, publicKey: other })).toBe(false);
  });

  describe('MeterLoop runs with file-backed state', () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it('delivers every reading once, in order, with counters increasing across restarts', () => {
      const state = mkdtempSync(join(tmpdir(), 'gridproof-esp32-'));
      dirs.push(state);
      const key = freshP256Key();
      const publicKey = publicKeyOf(KeyType.P256, fromHex(key));
      const base = ['run', '--key', key, '--device', 'SOLR_0007', '--state', state, '--interval', '10'];
      const first = runSim([...base, '--samples', '6', '--offline', '3', '--start', '1767225600']);
      const second = runSim([...base, '--samples', '4', '--start', '1767226000', '--reserve', '5']);
      const third = runSim([...base, '--samples', '2', '--start', '1767226400', '--reserve', '5']);
      expect([first.length, second.length, third.length]).toEqual([6, 4, 2]);
      const readings = [...first, ...second, ...third].map((hex) => {
        const s = decodeSignedReading(fromHex(hex));
        expect(verifyReadingBytes(s.readingBytes, s.signature, { keyType: KeyType.P256, publicKey })).toBe(true);
        expect(s.reading.deviceId).toBe('SOLR_0007');
        expect(s.reading.timestamp % 10).toBe(0);
        return s.reading;
      });
      // Reserve 1 on the first run: 1..6, no gaps. Then marks are saved 5 ahead: the second run reserves
      // 7..11 and uses 7..10; the third restarts after the mark, at 12. Never a reuse.
      expect(readings.map((r) => r.counter)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13]);
    });

    it('refuses bad input with a stable code and exit status 2', () => {
      const key = freshP256Key();
      const bad = (args: string[], input = '') => spawnSync(sim, args, { input, encoding: 'utf8' });
      const id = bad(['sign', '--key', key], 'solr_0001 1 1767225600 1 1 1 ON\n');
      expect(id.status).toBe(2);
      expect(id.stderr).toMatch(/^error INVALID_DEVICE_ID:/);
      const value = bad(['sign', '--key', key], `SOLR_0001 ${2 ** 53} 1767225600 1 1 1 ON\n`);
      expect(value.status).toBe(2);
      expect(value.stderr).toMatch(/^error INVALID_READING:/);
      const zeroKey = bad(['public-key', '--key', toHex(new Uint8Array(32))]);
      expect(zeroKey.status).toBe(2);
      expect(zeroKey.stderr).toMatch(/^error INVALID_PRIVATE_KEY:/);
      expect(zeroKey.stdout).toBe('');
    });
  });
});
