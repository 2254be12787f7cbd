// The Storacha adapter with the real @storacha/client against a LOCAL stand-in of its upload endpoint (never the
// network). The stand-in records what the client sends and refuses it: a faithful success path would need the
// service's UCAN handlers (blob allocate → presigned PUT → accept receipts → index/add → upload/add), not built here.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeMemberList, memberListCid } from '@gridproof/protocol';
import * as Storacha from '@storacha/client';
import { Signer } from '@storacha/client/principal/ed25519';
import { StoreMemory } from '@storacha/client/stores/memory';
import { base64 } from 'multiformats/bases/base64';
import { CID } from 'multiformats/cid';
import { identity } from 'multiformats/hashes/identity';
import { sha256 } from 'multiformats/hashes/sha2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alice, signIn, TEST_CHAIN_ID, TEST_DOMAIN, TEST_URI } from '../auth/signInForTests.js';
import { createTestApi, errorOf } from '../test/fixtures.js';
import { createStorachaPinner, oneBlockCar } from './pinningStoracha.js';

const CAR_CODE = 0x0202;
const received: { method: string; url: string; contentType: string; body: Buffer }[] = [];
let standIn: Server;
let serviceUrl: URL;
let key: string;
let proof: string;
let spaceDid: string;

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

beforeAll(async () => {
  standIn = createServer(async (req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: await readBody(req) });
    res.writeHead(503, { 'content-type': 'text/plain' }).end('stand-in: not a UCAN service');
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  serviceUrl = new URL(`http://127.0.0.1:${(standIn.address() as AddressInfo).port}/`);
  // An agent key and a space delegated to it, made offline exactly as `storacha key create` / `storacha delegation create` do.
  const agent = await Signer.generate();
  key = Signer.format(agent);
  const owner = await Storacha.create({ store: new StoreMemory() });
  const space = await owner.createSpace('gridproof-test', { skipGatewayAuthorization: true });
  spaceDid = space.did();
  const delegation = await space.createAuthorization(agent, {
    access: { 'space/blob/add': {}, 'space/index/add': {}, 'upload/add': {}, 'filecoin/offer': {} },
  });
  const archive = await delegation.archive();
  if (!archive.ok) throw archive.error;
  proof = CID.create(1, CAR_CODE, identity.digest(archive.ok)).toString(base64);
});
afterAll(() => new Promise<void>((resolve) => standIn.close(() => resolve())));

describe('Storacha pinner (@storacha/client 2.1.4) against a local stand-in', () => {
  const bytes = encodeMemberList({ organisationId: 1n, name: 'Elektro Nord eG', admins: [alice.address], electricians: [] });
  const cid = memberListCid(bytes);

  it('packs the block as a one-root CAR and asks the configured service (not the network) to add exactly that blob', async () => {
    const pinner = await createStorachaPinner({ key, proof, serviceUrl });
    received.length = 0;
    await expect(pinner.pin(cid, bytes)).rejects.toThrow();
    expect(received.length).toBeGreaterThan(0);
    const [first] = received;
    expect(first).toMatchObject({ method: 'POST', url: '/', contentType: 'application/vnd.ipld.car' });
    // The UCAN invocation (dag-cbor inside a CAR) names the ability, our space and the CAR's sha2-256 multihash.
    const car = await oneBlockCar(cid, bytes);
    const digest = (await sha256.digest(car)).bytes;
    expect(first.body.includes('space/blob/add')).toBe(true);
    expect(first.body.includes(spaceDid)).toBe(true);
    expect(first.body.includes(Buffer.from(digest))).toBe(true);
  });

  it('POST /v1/pins with the Storacha pinner: the block is kept here and the refusal answers 502 PIN_REMOTE_FAILED', async () => {
    const api = await createTestApi({
      auth: { siweDomain: TEST_DOMAIN, siweUri: TEST_URI, chainId: TEST_CHAIN_ID },
      remotePinner: await createStorachaPinner({ key, proof, serviceUrl }),
    });
    try {
      const cookie = await signIn(api.app, alice, api.clock.t);
      const res = await api.app.request('/v1/pins', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/vnd.ipld.dag-json' },
        body: bytes as BodyInit,
      });
      expect(await errorOf(res, 502)).toMatchObject({ code: 'PIN_REMOTE_FAILED', details: { cid: cid.toString(), pinner: 'storacha' } });
      expect((await api.app.request(`/ipfs/${cid}?format=raw`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('refuses a key or proof that does not parse, at start-up', async () => {
    await expect(createStorachaPinner({ key: 'nope', proof, serviceUrl })).rejects.toThrow();
    await expect(createStorachaPinner({ key, proof: 'nope', serviceUrl })).rejects.toThrow();
  });
});
