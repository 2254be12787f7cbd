/**
 * @module The meter ↔ gateway link protocol v1 (spec in ../README.md): Ed25519-signed X25519
 * handshake, HKDF-SHA256 key schedule, ChaCha20-Poly1305 frames. Both sides use these
 * functions, so the meter and the gateway cannot disagree on a byte. Audited primitives only
 * (@noble/curves, @noble/hashes, @noble/ciphers); nothing here is hand-rolled crypto.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { DEVICE_ID_PATTERN, concatBytes, fromHex, toHex, uintToBytes, type Hex } from '@gridproof/protocol';
import { GatewayError } from './errors.js';

export const LINK_VERSION = 1;
export const SESSION_ID_LENGTH = 16;
export const HELLO_NONCE_LENGTH = 16;
/** version(1) ‖ sessionId(16) ‖ seq(8, big-endian). Authenticated as AAD, never encrypted. */
export const FRAME_HEADER_LENGTH = 1 + SESSION_ID_LENGTH + 8;
export const TAG_LENGTH = 16;

const text = new TextEncoder();
/** Domain tags: a signature or key made for one purpose can never be replayed as another. */
const CLIENT_HELLO_TAG = text.encode('gridproof/gateway/v1/client-hello\0');
const SERVER_HELLO_TAG = text.encode('gridproof/gateway/v1/server-hello\0');
const METER_TO_GATEWAY = text.encode('gridproof/gateway/v1 meter->gateway');
const GATEWAY_TO_METER = text.encode('gridproof/gateway/v1 gateway->meter');

/** What a meter sends to open a session (JSON over `POST /v1/handshake`). */
export interface ClientHello {
  version: number;
  meterId: string;
  /** X25519 ephemeral public key, 32 bytes. */
  ephemeralPublicKey: Hex;
  /** Unix seconds of the meter's clock. */
  timestamp: number;
  /** 16 random bytes; the gateway refuses a (meter, nonce) it has seen. */
  nonce: Hex;
  /** Ed25519 signature of the meter's link key over `clientHelloTranscript`. */
  signature: Hex;
}

/** The gateway's answer (JSON). */
export interface ServerHello {
  version: number;
  sessionId: Hex;
  ephemeralPublicKey: Hex;
  /** Unix seconds after which the gateway forgets the session. */
  expiresAt: number;
  /** Ed25519 signature of the gateway's key over `serverHelloTranscript`. */
  signature: Hex;
}

export interface SessionKeys {
  sessionId: Uint8Array;
  /** ChaCha20-Poly1305 key for frames the meter sends. */
  meterToGateway: Uint8Array;
  /** ChaCha20-Poly1305 key for the gateway's answers. */
  gatewayToMeter: Uint8Array;
  expiresAt: number;
}

/**
 * Bytes the meter signs: tag ‖ gateway public key ‖ meter id ‖ ephemeral key ‖ timestamp ‖ nonce.
 * The gateway's key is in it so a hello made for one gateway is worthless at another.
 */
export function clientHelloTranscript(p: {
  gatewayPublicKey: Uint8Array;
  meterId: string;
  ephemeralPublicKey: Uint8Array;
  timestamp: number;
  nonce: Uint8Array;
}): Uint8Array {
  return concatBytes(CLIENT_HELLO_TAG, p.gatewayPublicKey, text.encode(p.meterId), p.ephemeralPublicKey, uintToBytes(p.timestamp, 8), p.nonce);
}

/** Bytes the gateway signs: tag ‖ SHA-256(client transcript ‖ client signature) ‖ session id ‖ ephemeral key ‖ expiry. */
export function serverHelloTranscript(p: { clientHash: Uint8Array; sessionId: Uint8Array; ephemeralPublicKey: Uint8Array; expiresAt: number }): Uint8Array {
  return concatBytes(SERVER_HELLO_TAG, p.clientHash, p.sessionId, p.ephemeralPublicKey, uintToBytes(p.expiresAt, 8));
}

/**
 * HKDF-SHA256 over the X25519 shared secret, salted with the hash of the whole signed
 * transcript, one key per direction (so the two sides never encrypt under the same key and nonce).
 */
export function deriveSessionKeys(p: { sharedSecret: Uint8Array; transcriptHash: Uint8Array; sessionId: Uint8Array; expiresAt: number }): SessionKeys {
  if (p.sharedSecret.every((b) => b === 0)) {
    throw new GatewayError(400, 'MALFORMED_HANDSHAKE', 'X25519 gave an all-zero shared secret (low-order public key).');
  }
  return {
    sessionId: p.sessionId,
    meterToGateway: hkdf(sha256, p.sharedSecret, p.transcriptHash, METER_TO_GATEWAY, 32),
    gatewayToMeter: hkdf(sha256, p.sharedSecret, p.transcriptHash, GATEWAY_TO_METER, 32),
    expiresAt: p.expiresAt,
  };
}

export interface CreateClientHelloParameters {
  meterId: string;
  /** The meter's Ed25519 link key (32-byte secret). */
  identityKey: Uint8Array;
  gatewayPublicKey: Uint8Array;
  timestamp: number;
  /** Defaults to 16 random bytes. */
  nonce?: Uint8Array;
  /** Defaults to a fresh X25519 key. */
  ephemeralSecret?: Uint8Array;
}

/**
 * Builds a signed hello and keeps the ephemeral secret and transcript the meter needs to finish.
 * @example const { hello, finish } = createClientHello({ meterId: 'SOLR_0001', identityKey, gatewayPublicKey, timestamp: now })
 */
export function createClientHello(p: CreateClientHelloParameters): { hello: ClientHello; finish: (server: ServerHello) => SessionKeys } {
  const nonce = p.nonce ?? randomBytes(HELLO_NONCE_LENGTH);
  const ephemeralSecret = p.ephemeralSecret ?? x25519.utils.randomSecretKey();
  const ephemeralPublicKey = x25519.getPublicKey(ephemeralSecret);
  const transcript = clientHelloTranscript({ gatewayPublicKey: p.gatewayPublicKey, meterId: p.meterId, ephemeralPublicKey, timestamp: p.timestamp, nonce });
  const signature = ed25519.sign(transcript, p.identityKey);
  const hello: ClientHello = {
    version: LINK_VERSION,
    meterId: p.meterId,
    ephemeralPublicKey: toHex(ephemeralPublicKey),
    timestamp: p.timestamp,
    nonce: toHex(nonce),
    signature: toHex(signature),
  };
  const clientHash = sha256(concatBytes(transcript, signature));
  return {
    hello,
    finish(server) {
      const sessionId = hexField(server.sessionId, SESSION_ID_LENGTH, 'sessionId', 'BAD_GATEWAY_SIGNATURE');
      const serverEphemeral = hexField(server.ephemeralPublicKey, 32, 'ephemeralPublicKey', 'BAD_GATEWAY_SIGNATURE');
      const serverSignature = hexField(server.signature, 64, 'signature', 'BAD_GATEWAY_SIGNATURE');
      if (!Number.isSafeInteger(server.expiresAt)) throw new GatewayError(502, 'BAD_GATEWAY_SIGNATURE', 'Server hello has no integer expiresAt.');
      const serverTranscript = serverHelloTranscript({ clientHash, sessionId, ephemeralPublicKey: serverEphemeral, expiresAt: server.expiresAt });
      if (!verifyEd25519(serverSignature, serverTranscript, p.gatewayPublicKey)) {
        throw new GatewayError(502, 'BAD_GATEWAY_SIGNATURE', 'The server hello is not signed by the pinned gateway key; refusing the session.', {
          sessionId: server.sessionId,
        });
      }
      return deriveSessionKeys({
        sharedSecret: sharedSecret(ephemeralSecret, serverEphemeral),
        transcriptHash: sha256(concatBytes(serverTranscript, serverSignature)),
        sessionId,
        expiresAt: server.expiresAt,
      });
    },
  };
}

export interface AcceptClientHelloParameters {
  /** The gateway's Ed25519 secret key. */
  identityKey: Uint8Array;
  /** The meter's registered Ed25519 link public key. */
  meterPublicKey: Uint8Array;
  expiresAt: number;
  /** Defaults to 16 random bytes. */
  sessionId?: Uint8Array;
}

/**
 * Gateway side, after the caller checked the meter is known, the clock and the nonce:
 * verifies the meter's signature, answers with a signed hello and derives the session keys.
 * Throws `BAD_HANDSHAKE_SIGNATURE` (401) when the signature does not verify.
 */
export function acceptClientHello(hello: ParsedClientHello, p: AcceptClientHelloParameters): { server: ServerHello; keys: SessionKeys } {
  const gatewayPublicKey = ed25519.getPublicKey(p.identityKey);
  const transcript = clientHelloTranscript({ gatewayPublicKey, ...hello });
  if (!verifyEd25519(hello.signature, transcript, p.meterPublicKey)) {
    throw new GatewayError(
      401,
      'BAD_HANDSHAKE_SIGNATURE',
      `Hello of meter ${hello.meterId} is not signed by its registered link key (or not for this gateway).`,
      {
        meterId: hello.meterId,
      },
    );
  }
  const sessionId = p.sessionId ?? randomBytes(SESSION_ID_LENGTH);
  const ephemeralSecret = x25519.utils.randomSecretKey();
  const ephemeralPublicKey = x25519.getPublicKey(ephemeralSecret);
  const clientHash = sha256(concatBytes(transcript, hello.signature));
  const serverTranscript = serverHelloTranscript({ clientHash, sessionId, ephemeralPublicKey, expiresAt: p.expiresAt });
  const signature = ed25519.sign(serverTranscript, p.identityKey);
  const keys = deriveSessionKeys({
    sharedSecret: sharedSecret(ephemeralSecret, hello.ephemeralPublicKey),
    transcriptHash: sha256(concatBytes(serverTranscript, signature)),
    sessionId,
    expiresAt: p.expiresAt,
  });
  return {
    server: {
      version: LINK_VERSION,
      sessionId: toHex(sessionId),
      ephemeralPublicKey: toHex(ephemeralPublicKey),
      expiresAt: p.expiresAt,
      signature: toHex(signature),
    },
    keys,
  };
}

export interface ParsedClientHello {
  meterId: string;
  ephemeralPublicKey: Uint8Array;
  timestamp: number;
  nonce: Uint8Array;
  signature: Uint8Array;
}

/** Checks a hello's shape (not its signature); `MALFORMED_HANDSHAKE` / `UNSUPPORTED_VERSION` (400) otherwise. */
export function parseClientHello(body: unknown): ParsedClientHello {
  if (typeof body !== 'object' || body === null) throw new GatewayError(400, 'MALFORMED_HANDSHAKE', 'The handshake body must be a JSON object.');
  const h = body as Record<string, unknown>;
  if (h.version !== LINK_VERSION) {
    throw new GatewayError(400, 'UNSUPPORTED_VERSION', `Link protocol version ${String(h.version)} is not supported (this gateway speaks ${LINK_VERSION}).`, {
      version: h.version,
    });
  }
  if (typeof h.meterId !== 'string' || !DEVICE_ID_PATTERN.test(h.meterId)) {
    throw new GatewayError(400, 'MALFORMED_HANDSHAKE', 'meterId must be a device id of the form XXXX_ZZZZ.', { meterId: h.meterId });
  }
  if (!Number.isSafeInteger(h.timestamp) || (h.timestamp as number) < 0) {
    throw new GatewayError(400, 'MALFORMED_HANDSHAKE', 'timestamp must be a non-negative integer (unix seconds).', { timestamp: h.timestamp });
  }
  return {
    meterId: h.meterId,
    timestamp: h.timestamp as number,
    ephemeralPublicKey: hexField(h.ephemeralPublicKey, 32, 'ephemeralPublicKey'),
    nonce: hexField(h.nonce, HELLO_NONCE_LENGTH, 'nonce'),
    signature: hexField(h.signature, 64, 'signature'),
  };
}

// ---------------------------------------------------------------- frames

export interface FrameHeader {
  sessionId: Uint8Array;
  seq: number;
}

/** 96-bit ChaCha20-Poly1305 nonce: 4 zero bytes ‖ seq (u64 big-endian). Unique per key because seq never repeats. */
export function frameNonce(seq: number): Uint8Array {
  return concatBytes(new Uint8Array(4), uintToBytes(seq, 8));
}

/** Encrypts `plaintext` into header ‖ ciphertext ‖ tag; the header is the AAD, so session and seq cannot be swapped. */
export function sealFrame(key: Uint8Array, header: FrameHeader, plaintext: Uint8Array): Uint8Array {
  const head = encodeFrameHeader(header);
  return concatBytes(head, chacha20poly1305(key, frameNonce(header.seq), head).encrypt(plaintext));
}

/** Reads a frame's header without decrypting; `MALFORMED_FRAME` / `UNSUPPORTED_VERSION` (400) on bad layout. */
export function decodeFrameHeader(frame: Uint8Array): FrameHeader {
  if (frame.length < FRAME_HEADER_LENGTH + TAG_LENGTH) {
    throw new GatewayError(400, 'MALFORMED_FRAME', `A frame is at least ${FRAME_HEADER_LENGTH + TAG_LENGTH} bytes, got ${frame.length}.`, {
      length: frame.length,
    });
  }
  if (frame[0] !== LINK_VERSION) {
    throw new GatewayError(400, 'UNSUPPORTED_VERSION', `Frame version ${frame[0]} is not supported.`, { version: frame[0] });
  }
  const seq = new DataView(frame.buffer, frame.byteOffset + 1 + SESSION_ID_LENGTH, 8).getBigUint64(0);
  if (seq === 0n || seq > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new GatewayError(400, 'MALFORMED_FRAME', `Frame seq must be in 1..2^53-1, got ${seq}.`, { seq: seq.toString() });
  }
  return { sessionId: frame.slice(1, 1 + SESSION_ID_LENGTH), seq: Number(seq) };
}

/** Decrypts a frame; `FRAME_AUTH_FAILED` (401) when the tag does not verify (tampered, wrong key or wrong header). */
export function openFrame(key: Uint8Array, frame: Uint8Array): { header: FrameHeader; plaintext: Uint8Array } {
  const header = decodeFrameHeader(frame);
  const head = frame.subarray(0, FRAME_HEADER_LENGTH);
  try {
    return { header, plaintext: chacha20poly1305(key, frameNonce(header.seq), head).decrypt(frame.subarray(FRAME_HEADER_LENGTH)) };
  } catch (cause) {
    throw new GatewayError(
      401,
      'FRAME_AUTH_FAILED',
      `Frame seq ${header.seq} of session ${toHex(header.sessionId)} failed authentication (tampered or not for this session).`,
      {
        sessionId: toHex(header.sessionId),
        seq: header.seq,
      },
      { cause },
    );
  }
}

function encodeFrameHeader({ sessionId, seq }: FrameHeader): Uint8Array {
  return concatBytes(Uint8Array.of(LINK_VERSION), sessionId, uintToBytes(seq, 8));
}

// ---------------------------------------------------------------- helpers

function sharedSecret(secret: Uint8Array, publicKey: Uint8Array): Uint8Array {
  try {
    return x25519.getSharedSecret(secret, publicKey);
  } catch (cause) {
    throw new GatewayError(400, 'MALFORMED_HANDSHAKE', 'The X25519 ephemeral key is invalid (low order).', undefined, { cause });
  }
}

/** Strict RFC 8032 verification (no ZIP-215 leniency): one signature, one meaning. */
function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

function hexField(value: unknown, length: number, name: string, code: 'MALFORMED_HANDSHAKE' | 'BAD_GATEWAY_SIGNATURE' = 'MALFORMED_HANDSHAKE'): Uint8Array {
  if (typeof value === 'string' && /^0x[0-9a-fA-F]*$/.test(value) && value.length === 2 + 2 * length) return fromHex(value);
  throw new GatewayError(code === 'MALFORMED_HANDSHAKE' ? 400 : 502, code, `${name} must be ${length} bytes of 0x-prefixed hex.`, { field: name });
}
