import { asErrorBody, concatBytes, toHex, type ErrorBody } from '@gridproof/protocol';
import { GatewayError, type GatewayErrorCode } from './errors.js';
import type { IngestAnswer } from './forwarder.js';
import { createClientHello, openFrame, sealFrame, type SessionKeys } from './session.js';

export interface GatewayClientParameters {
  /** Gateway base URL, e.g. http://127.0.0.1:8790. */
  url: string;
  /** The meter's device id; its readings must carry the same id. */
  meterId: string;
  /** The meter's Ed25519 link secret key (32 bytes); the gateway holds the public key on its allow-list. */
  identityKey: Uint8Array;
  /** The gateway's Ed25519 public key, pinned: a gateway that cannot sign with it gets nothing. */
  gatewayPublicKey: Uint8Array;
  /** Unix seconds; injectable for tests. */
  now?: () => number;
  /** Re-handshake this many seconds before the session expires. Default 30. */
  renewBeforeSeconds?: number;
}

/**
 * The oracle API's answer, relayed by the gateway inside an authenticated frame (same shape as a
 * direct POST): the ingest answer on 200, else an error body (the API's code, or the gateway's).
 */
export interface SendReadingsResult {
  status: number;
  body: Partial<IngestAnswer> & { error?: ErrorBody<string>['error'] };
}

/**
 * The meter side of the link: handshake, then one encrypted frame per batch of signed readings.
 * A 200 answer means the oracle API acknowledged every reading (drop them from the buffer);
 * anything else means keep them (5xx) or drop them as refused (4xx), as with a direct POST.
 * @example const link = new GatewayClient({ url, meterId: 'SOLR_0001', identityKey, gatewayPublicKey }); await link.send([signed])
 */
export class GatewayClient {
  private session: SessionKeys | undefined;
  private seq = 0;
  constructor(readonly params: GatewayClientParameters) {}

  get sessionId(): string | undefined {
    return this.session && toHex(this.session.sessionId);
  }

  /** Opens a fresh session (called by `send` when needed). Throws `GatewayError` when the gateway refuses or fails to prove its key. */
  async handshake(): Promise<void> {
    const { hello, finish } = createClientHello({ ...this.params, timestamp: this.now() });
    const res = await fetch(`${this.params.url}/v1/handshake`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hello),
    });
    const body = await res.json().catch(() => undefined);
    if (res.status !== 200) throw refusal(res.status, body);
    this.session = finish(body);
    this.seq = 0;
  }

  /** Encrypts a payload into the next frame of the session (exposed for tests that tamper with or replay frames). */
  sealFrame(payload: Uint8Array): { frame: Uint8Array; seq: number } {
    if (!this.session) throw new GatewayError(401, 'UNKNOWN_SESSION', 'No session; call handshake() first.');
    const seq = ++this.seq;
    return { frame: sealFrame(this.session.meterToGateway, { sessionId: this.session.sessionId, seq }, payload), seq };
  }

  /** Posts a frame and returns the gateway's raw HTTP answer. */
  postFrame(frame: Uint8Array): Promise<Response> {
    return fetch(`${this.params.url}/v1/frames`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: frame as Uint8Array<ArrayBuffer>,
    });
  }

  /** Sends signed readings (107 bytes each, exactly as signed) and returns the API's answer. */
  async send(signedReadings: Uint8Array[]): Promise<SendReadingsResult> {
    for (let attempt = 0; ; attempt++) {
      if (!this.session || this.session.expiresAt - (this.params.renewBeforeSeconds ?? 30) <= this.now()) await this.handshake();
      const session = this.session!;
      const { frame, seq } = this.sealFrame(concatBytes(...signedReadings));
      const res = await this.postFrame(frame);
      if (res.status === 200) {
        const { header, plaintext } = openFrame(session.gatewayToMeter, new Uint8Array(await res.arrayBuffer()));
        if (header.seq !== seq || toHex(header.sessionId) !== toHex(session.sessionId)) {
          throw new GatewayError(502, 'FRAME_AUTH_FAILED', `Answer is for seq ${header.seq}, expected ${seq}.`, { seq, answeredSeq: header.seq });
        }
        return JSON.parse(new TextDecoder().decode(plaintext)) as SendReadingsResult;
      }
      const body = await res.json().catch(() => undefined);
      // The gateway restarted or the session ran out: open a new one once and re-send.
      if (attempt === 0 && (body?.error?.code === 'UNKNOWN_SESSION' || body?.error?.code === 'SESSION_EXPIRED')) {
        this.session = undefined;
        continue;
      }
      throw refusal(res.status, body);
    }
  }

  private now(): number {
    return this.params.now?.() ?? Math.floor(Date.now() / 1000);
  }
}

function refusal(status: number, body: unknown): GatewayError {
  const error = asErrorBody(body)?.error;
  return new GatewayError(status, (error?.code ?? 'INTERNAL_ERROR') as GatewayErrorCode, error?.message ?? `Gateway answered ${status}.`, error?.details);
}
