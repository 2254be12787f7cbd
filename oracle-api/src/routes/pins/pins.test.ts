import { encodeMemberList, encodeProfileDocument, encryptProfile, memberListCid, profileDocumentCid } from '@gridproof/protocol';
import type { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import { alice, bob, signIn, TEST_CHAIN_ID, TEST_DOMAIN, TEST_URI } from '../../auth/signInForTests.js';
import type { RemotePinner } from '../../services/pinning.js';
import { errorOf, useTestApi } from '../../test/fixtures.js';

/** A remote pinner that keeps what it was given, or refuses while `down`: the RemotePinner contract, in memory. */
function memoryPinner() {
  const held = new Map<string, Uint8Array>();
  return {
    name: 'memory',
    down: false,
    held,
    async pin(cid: CID, bytes: Uint8Array) {
      if (this.down) throw new Error('remote unreachable');
      held.set(cid.toString(), bytes);
    },
  } satisfies RemotePinner & Record<string, unknown>;
}

const remote = memoryPinner();
const api = useTestApi({ auth: { siweDomain: TEST_DOMAIN, siweUri: TEST_URI, chainId: TEST_CHAIN_ID }, remotePinner: remote });
const list = encodeMemberList({ organisationId: 7n, name: 'Elektro Nord eG', admins: [alice.address], electricians: [bob.address] });

const pin = (body: BodyInit, headers: Record<string, string>) => api().app.request('/v1/pins', { method: 'POST', headers, body });

describe('POST /v1/pins', () => {
  it('refuses without a session (401 UNAUTHENTICATED), before reading the body', async () => {
    expect((await errorOf(await pin(list as BodyInit, { 'content-type': 'application/vnd.ipld.dag-json' }), 401)).code).toBe('UNAUTHENTICATED');
    expect(remote.held.size).toBe(0);
  });

  it('pins an encrypted profile under its CIDv1 dag-json, idempotently, and the gateway serves it', async () => {
    const cookie = await signIn(api().app, alice, api().clock.t);
    const bytes = encodeProfileDocument(
      await encryptProfile(
        {
          name: 'Sonnenhof Energie',
          legalForm: 'GmbH',
          registrationNumber: 'HRB 1',
          address: { street: 'Lindenstraße 42', postalCode: '10969', city: 'Berlin' },
          country: 'DE',
          contactEmail: 'a@b.example',
          annualProductionKwh: 1,
          annualConsumptionKwh: 2,
          smartMeterIds: ['SOLR_0001'],
        },
        'passphrase',
      ),
    );
    const cid = profileDocumentCid(bytes).toString();
    const first = await pin(bytes as BodyInit, { cookie, 'content-type': 'application/vnd.ipld.dag-json' });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ cid, size: bytes.length, remote: 'memory' });
    const again = await pin(bytes as BodyInit, { cookie, 'content-type': 'application/octet-stream' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ cid, size: bytes.length, remote: 'memory' });
    expect(remote.held.get(cid)).toEqual(bytes);

    const served = await api().app.request(`/ipfs/${cid}?format=raw`);
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    const asDagJson = await api().app.request(`/ipfs/${cid}`);
    expect(asDagJson.headers.get('content-type')).toBe('application/vnd.ipld.dag-json');

    const listed = await pin(list as BodyInit, { cookie, 'content-type': 'application/vnd.ipld.dag-json' });
    expect(await listed.json()).toMatchObject({ cid: memberListCid(list).toString() });
  });

  it('refuses non-canonical bytes, other content types and bodies over 64 KiB', async () => {
    const cookie = await signIn(api().app, bob, api().clock.t);
    const dagJson = { cookie, 'content-type': 'application/vnd.ipld.dag-json' };
    const spaced = new TextEncoder().encode('{"b": 1, "a": 2}');
    expect(await errorOf(await pin(spaced as BodyInit, dagJson), 400)).toMatchObject({ code: 'PIN_NOT_DAG_JSON', details: { reason: 'NOT_CANONICAL' } });
    expect(await errorOf(await pin('{"a":', dagJson), 400)).toMatchObject({ code: 'PIN_NOT_DAG_JSON', details: { reason: 'NOT_DAG_JSON' } });
    expect((await errorOf(await pin(list as BodyInit, { cookie, 'content-type': 'text/plain' }), 415)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = new TextEncoder().encode(JSON.stringify({ a: 'x'.repeat(64 * 1024) }));
    expect(await errorOf(await pin(big as BodyInit, dagJson), 413)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { maxBytes: 65536 } });
    // Streamed without a Content-Length: refused once 64 KiB have passed.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(big.subarray(i * 16_384, (i + 1) * 16_384));
        controller.close();
      },
    });
    const streamed = await api().app.request('/v1/pins', { method: 'POST', headers: dagJson, body: stream, duplex: 'half' } as RequestInit);
    expect((await errorOf(streamed, 413)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps the block and answers 502 PIN_REMOTE_FAILED when the remote pinner fails; a retry completes', async () => {
    const cookie = await signIn(api().app, alice, api().clock.t);
    const bytes = encodeMemberList({ organisationId: 8n, name: 'Retry GmbH', admins: [alice.address], electricians: [] });
    const cid = memberListCid(bytes).toString();
    remote.down = true;
    try {
      const failed = await pin(bytes as BodyInit, { cookie, 'content-type': 'application/vnd.ipld.dag-json' });
      expect(await errorOf(failed, 502)).toMatchObject({ code: 'PIN_REMOTE_FAILED', details: { cid, pinner: 'memory' } });
    } finally {
      remote.down = false;
    }
    expect((await api().app.request(`/ipfs/${cid}?format=raw`)).status).toBe(200);
    const retry = await pin(bytes as BodyInit, { cookie, 'content-type': 'application/vnd.ipld.dag-json' });
    expect(retry.status).toBe(200);
    expect(remote.held.has(cid)).toBe(true);
  });
});
