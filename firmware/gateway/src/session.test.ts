import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromHex, toHex } from '@gridproof/protocol';
import { GatewayError } from './errors.js';
import { NonceCache, SeqWindow } from './replayGuard.js';
import { acceptClientHello, clientHelloTranscript, createClientHello, openFrame, parseClientHello, sealFrame, serverHelloTranscript } from './session.js';
import { T0, gatewayKey, testMeter } from './testUtils.js';

const meter = testMeter('SOLR_0001');
const gatewayPublicKey = ed25519.getPublicKey(gatewayKey);

function handshake() {
  const { hello, finish } = createClientHello({ meterId: meter.deviceId, identityKey: meter.linkKey, gatewayPublicKey, timestamp: T0 });
  const { server, keys } = acceptClientHello(parseClientHello(hello), { identityKey: gatewayKey, meterPublicKey: meter.linkPublicKey, expiresAt: T0 + 3600 });
  return { meterKeys: finish(server), gatewayKeys: keys, server };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof GatewayError ? err.code : `not a GatewayError: ${String(err)}`;
  }
  return undefined;
}

describe('handshake', () => {
  it('gives both sides the same two direction keys, different from each other and per session', () => {
    const a = handshake();
    expect(toHex(a.meterKeys.meterToGateway)).toBe(toHex(a.gatewayKeys.meterToGateway));
    expect(toHex(a.meterKeys.gatewayToMeter)).toBe(toHex(a.gatewayKeys.gatewayToMeter));
    expect(toHex(a.meterKeys.meterToGateway)).not.toBe(toHex(a.meterKeys.gatewayToMeter));
    expect(toHex(handshake().meterKeys.meterToGateway)).not.toBe(toHex(a.meterKeys.meterToGateway));
  });

  it('refuses a hello signed by another key, or made for another gateway', () => {
    const { hello } = createClientHello({ meterId: meter.deviceId, identityKey: testMeter('SOLR_0002').linkKey, gatewayPublicKey, timestamp: T0 });
    expect(codeOf(() => acceptClientHello(parseClientHello(hello), { identityKey: gatewayKey, meterPublicKey: meter.linkPublicKey, expiresAt: T0 }))).toBe(
      'BAD_HANDSHAKE_SIGNATURE',
    );
    const other = createClientHello({
      meterId: meter.deviceId,
      identityKey: meter.linkKey,
      gatewayPublicKey: ed25519.getPublicKey(new Uint8Array(32).fill(7)),
      timestamp: T0,
    });
    expect(
      codeOf(() => acceptClientHello(parseClientHello(other.hello), { identityKey: gatewayKey, meterPublicKey: meter.linkPublicKey, expiresAt: T0 })),
    ).toBe('BAD_HANDSHAKE_SIGNATURE');
  });

  it('meter refuses a server hello not signed by the pinned gateway key, or with a changed expiry', () => {
    const { hello, finish } = createClientHello({ meterId: meter.deviceId, identityKey: meter.linkKey, gatewayPublicKey, timestamp: T0 });
    const { server } = acceptClientHello(parseClientHello(hello), { identityKey: gatewayKey, meterPublicKey: meter.linkPublicKey, expiresAt: T0 + 60 });
    expect(codeOf(() => finish({ ...server, expiresAt: T0 + 999_999 }))).toBe('BAD_GATEWAY_SIGNATURE');
    // An impostor answering the same hello correctly, but signing with its own key.
    const clientHash = sha256(
      concatBytes(
        clientHelloTranscript({
          gatewayPublicKey,
          meterId: meter.deviceId,
          ephemeralPublicKey: fromHex(hello.ephemeralPublicKey),
          timestamp: T0,
          nonce: fromHex(hello.nonce),
        }),
        fromHex(hello.signature),
      ),
    );
    const transcript = serverHelloTranscript({
      clientHash,
      sessionId: fromHex(server.sessionId),
      ephemeralPublicKey: fromHex(server.ephemeralPublicKey),
      expiresAt: server.expiresAt,
    });
    expect(codeOf(() => finish({ ...server, signature: toHex(ed25519.sign(transcript, new Uint8Array(32).fill(9))) }))).toBe('BAD_GATEWAY_SIGNATURE');
    // The same transcript signed by the real key is accepted: the check above failed on the key alone.
    expect(codeOf(() => finish({ ...server, signature: toHex(ed25519.sign(transcript, gatewayKey)) }))).toBe(undefined);
  });

  it('refuses malformed hellos with a precise code', () => {
    expect(codeOf(() => parseClientHello({ version: 2 }))).toBe('UNSUPPORTED_VERSION');
    expect(codeOf(() => parseClientHello({ version: 1, meterId: 'solr-1' }))).toBe('MALFORMED_HANDSHAKE');
    expect(codeOf(() => parseClientHello({ version: 1, meterId: 'SOLR_0001', timestamp: T0, ephemeralPublicKey: '0x00', nonce: '0x', signature: '0x' }))).toBe(
      'MALFORMED_HANDSHAKE',
    );
  });
});

describe('frames', () => {
  it('round-trip, and any flipped bit in header, ciphertext or tag fails authentication', () => {
    const { meterKeys, gatewayKeys } = handshake();
    const payload = meter.read(T0);
    const frame = sealFrame(meterKeys.meterToGateway, { sessionId: meterKeys.sessionId, seq: 1 }, payload);
    expect(toHex(openFrame(gatewayKeys.meterToGateway, frame).plaintext)).toBe(toHex(payload));
    for (const offset of [5, 20, 30, frame.length - 1]) {
      const tampered = frame.slice();
      tampered[offset] ^= 0x01;
      expect(codeOf(() => openFrame(gatewayKeys.meterToGateway, tampered))).toBe('FRAME_AUTH_FAILED');
    }
    // The answer key cannot open meter traffic (directions are separate).
    expect(codeOf(() => openFrame(gatewayKeys.gatewayToMeter, frame))).toBe('FRAME_AUTH_FAILED');
  });

  it('refuses frames that are too short, of another version, or with seq 0', () => {
    const { meterKeys } = handshake();
    expect(codeOf(() => openFrame(meterKeys.meterToGateway, new Uint8Array(10)))).toBe('MALFORMED_FRAME');
    const frame = sealFrame(meterKeys.meterToGateway, { sessionId: meterKeys.sessionId, seq: 1 }, new Uint8Array(3));
    frame[0] = 2;
    expect(codeOf(() => openFrame(meterKeys.meterToGateway, frame))).toBe('UNSUPPORTED_VERSION');
    const zero = sealFrame(meterKeys.meterToGateway, { sessionId: meterKeys.sessionId, seq: 0 }, new Uint8Array(3));
    expect(codeOf(() => openFrame(meterKeys.meterToGateway, zero))).toBe('MALFORMED_FRAME');
  });
});

describe('replay guards', () => {
  it('SeqWindow accepts each seq once, tolerates reordering within the window, refuses older ones', () => {
    const w = new SeqWindow(8);
    for (const seq of [1, 3, 2, 10]) {
      expect(w.check(seq)).toBe('ok');
      w.accept(seq);
    }
    expect(w.check(2)).toBe('too-old'); // 10 - 2 >= 8
    expect(w.check(3)).toBe('replayed');
    expect(w.check(10)).toBe('replayed');
    expect(w.check(5)).toBe('ok');
    w.accept(5);
    expect(w.check(5)).toBe('replayed');
    expect(w.check(11)).toBe('ok');
  });

  it('NonceCache refuses a nonce until it expires, and refuses new ones when full', () => {
    const c = new NonceCache(61, 2);
    expect(c.add('a', T0)).toBe('fresh');
    expect(c.add('a', T0 + 60)).toBe('replayed');
    expect(c.add('b', T0 + 1)).toBe('fresh');
    expect(c.add('c', T0 + 2)).toBe('full');
    expect(c.add('a', T0 + 61)).toBe('fresh'); // expired and pruned
    expect(c.size).toBe(2);
  });
});
