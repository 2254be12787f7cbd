// The Functions source run by the toolkit's own simulator (Deno, the real sandbox and its HTTP limits),
// against a local HTTP server that plays the API, the code host and (in this unit test only) a JSON-RPC node.
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateScript } from '@chainlink/functions-toolkit';
import { decodeFunctionData, encodeAbiParameters, encodeFunctionResult } from 'viem';
import { deviceRegistryAbi, encodeCommitReport, fromHex, toHex, windowDocumentDigest, type Hex } from '@gridproof/protocol';
import { buildFunctionsSource } from './build.js';
import { GET_COMMITMENT_SELECTOR } from './source.js';
import { WINDOW_SECONDS, WINDOW_START, encode, registryDevice, revokedKey, vector, vectorBytes, vectorDocument, vectorKeys } from '../testing/windowFixture.js';

// The simulator spawns `deno` from PATH: the npm package's binary.
const bin = join(dirname(fileURLToPath(import.meta.url)), '../../../node_modules/.bin');
process.env.PATH = `${bin}:${process.env.PATH}`;

const REGISTRY = '0x00000000000000000000000000000000000000c0';
const documents = new Map<string, Uint8Array>();
let bundle: Uint8Array = new Uint8Array();
let server: Server;
let base = '';
const keys = vectorKeys();
/** The block tag of every getDevices eth_call the source made (the `registryBlock` it read at). */
const registryTags: string[] = [];
/** Revocations the mocked registry answers, by device id (unix seconds). */
const revokedAt: Record<string, number> = {};
/** The DataLogger addresses getCommitment was asked of, and the digest the mocked logger holds. */
const commitmentCalls: string[] = [];
let committed: Hex = `0x${'00'.repeat(32)}`;
const LOGGER = '0x00000000000000000000000000000000000000d0';
const SEED = `0x${'5e'.repeat(32)}`;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/functions/bundle.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      if (req.url === '/functions/tampered.js') return void res.writeHead(200).end(Buffer.concat([Buffer.from(bundle), Buffer.from(';')]));
      const doc = /^\/(\w+)\/v1\/windows\/(\d+)\/document$/.exec(req.url ?? '');
      if (doc) {
        const bytes = documents.get(doc[1]);
        return void (bytes ? res.writeHead(200, { 'content-type': 'application/vnd.ipld.dag-json' }).end(bytes) : res.writeHead(404).end('{}'));
      }
      if (req.method === 'POST' && req.url === '/rpc') {
        const call = JSON.parse(body) as { id: number; method: string; params: [{ to: string; data: Hex }, string] };
        if (call.params[0].data.startsWith(GET_COMMITMENT_SELECTOR)) {
          commitmentCalls.push(call.params[0].to);
          const result = encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint64' }], [committed, 100n]);
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result }));
        }
        registryTags.push(call.params[1]);
        const { args } = decodeFunctionData({ abi: deviceRegistryAbi, data: call.params[0].data });
        const ids = (args![0] as Hex[]).map((b) => new TextDecoder().decode(fromHex(b)));
        const result = encodeFunctionResult({
          abi: deviceRegistryAbi,
          functionName: 'getDevices',
          result: ids.map((id) => {
            const key = keys[id];
            return registryDevice(id, key && revokedKey(key, revokedAt[id] ?? 0), 1n, REGISTRY);
          }),
        } as never);
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result }));
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  bundle = (await buildFunctionsSource({ codeUrl: `${base}/functions/bundle.js` })).bundle;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function simulate(
  name: string,
  documentBytes: Uint8Array,
  codePath = '/functions/bundle.js',
  phase: 'commit' | 'record' = 'record',
  secrets: Record<string, string> = {},
) {
  documents.set(name, documentBytes);
  const { source } = await buildFunctionsSource({ codeUrl: `${base}${codePath}` });
  return simulateScript({
    source,
    args: [String(WINDOW_START), String(WINDOW_SECONDS), `${base}/${name}`, REGISTRY, phase],
    bytesArgs: phase === 'record' ? [SEED] : [],
    secrets: { rpcUrl: `${base}/rpc`, ...secrets },
  });
}

describe('Functions source under the toolkit simulator (Deno)', () => {
  it('the vector window: the response is exactly the vector report payload (224 bytes, within 256)', async () => {
    registryTags.length = 0;
    const r = await simulate('good', vectorBytes());
    expect(r.errorString, r.capturedTerminalOutput).toBeUndefined();
    expect(r.responseBytesHexstring).toBe(vector.report);
    expect((r.responseBytesHexstring!.length - 2) / 2).toBe(224);
    // No registryBlock secret: the keys are read at the finalized block, where no reorg can remove a registration.
    expect(registryTags).toEqual(['finalized']);
  }, 60_000);

  it('a tampered reading: an error naming it, no response', async () => {
    const doc = vectorDocument();
    const b = fromHex(doc.devices[1].readings[2]);
    b[60] ^= 1; // a signature byte
    doc.devices[1].readings[2] = toHex(b);
    const r = await simulate('tampered', encode(doc));
    expect(r.responseBytesHexstring).toBeUndefined();
    expect(r.errorString).toMatch(/^WINDOW_SIGNATURE_INVALID: Reading SOLR_0001#12 at devices\[1\]\.readings\[2\]/);
    expect(new TextEncoder().encode(r.errorString).length).toBeLessThanOrEqual(256);
  }, 60_000);

  it('a revoked device (the new Device struct, hand-decoded in Deno): readings before revokedAt are recorded, one at it refused by name', async () => {
    // SOLR_0002 (devices[2]) reads at WINDOW_START + 1, + 61 and + 121.
    try {
      revokedAt.SOLR_0002 = WINDOW_START + 122;
      const before = await simulate('revokedafter', vectorBytes());
      expect(before.errorString, before.capturedTerminalOutput).toBeUndefined();
      expect(before.responseBytesHexstring).toBe(vector.report);
      revokedAt.SOLR_0002 = WINDOW_START + 121;
      const at = await simulate('revokedat', vectorBytes());
      expect(at.responseBytesHexstring).toBeUndefined();
      expect(at.errorString).toMatch(/^WINDOW_READING_AFTER_REVOCATION: /);
      expect(at.errorString).toContain(`Reading SOLR_0002#12 at devices[2].readings[2] has timestamp ${WINDOW_START + 121}, at or after`);
    } finally {
      delete revokedAt.SOLR_0002;
    }
  }, 90_000);

  it('a missing window and a code bundle that is not the pinned one are refused by name', async () => {
    const missing = await simulateScript({
      source: (await buildFunctionsSource({ codeUrl: `${base}/functions/bundle.js` })).source,
      args: [String(WINDOW_START), String(WINDOW_SECONDS), `${base}/nowhere`, REGISTRY, 'record'],
      secrets: { rpcUrl: `${base}/rpc` },
    });
    expect(missing.errorString).toMatch(/^DOCUMENT_UNAVAILABLE: GET .*\/nowhere\/v1\/windows\/\d+\/document: 404/);
    const tampered = await simulate('good2', vectorBytes(), '/functions/tampered.js');
    expect(tampered.errorString).toMatch(/^CODE_INTEGRITY: /);
  }, 60_000);

  it('phase "commit": the answer is the 64-byte commit report of the served document, nothing else read', async () => {
    registryTags.length = 0;
    const r = await simulate('commit', vectorBytes(), '/functions/bundle.js', 'commit');
    expect(r.errorString, r.capturedTerminalOutput).toBeUndefined();
    expect(r.responseBytesHexstring).toBe(encodeCommitReport({ windowStart: WINDOW_START, cidDigest: windowDocumentDigest(vectorBytes()) }));
    expect(registryTags).toEqual([]);
  }, 60_000);

  it('phase "commit" refuses a document of another window', async () => {
    const doc = vectorDocument();
    doc.windowStart += WINDOW_SECONDS;
    const r = await simulate('commitother', encode(doc), '/functions/bundle.js', 'commit');
    expect(r.responseBytesHexstring).toBeUndefined();
    expect(r.errorString).toMatch(/^WINDOW_MISMATCH: the document at .* is window \d+, not \d+/);
  }, 60_000);

  it('phase "record" with the dataLogger secret: the committed document is recorded, another one refused WINDOW_COMMITMENT_MISMATCH', async () => {
    commitmentCalls.length = 0;
    committed = windowDocumentDigest(vectorBytes());
    const ok = await simulate('recordok', vectorBytes(), '/functions/bundle.js', 'record', { dataLogger: LOGGER });
    expect(ok.errorString, ok.capturedTerminalOutput).toBeUndefined();
    expect(ok.responseBytesHexstring).toBe(vector.report);
    expect(commitmentCalls).toEqual([LOGGER]);
    committed = `0x${'ab'.repeat(32)}`;
    const other = await simulate('recordother', vectorBytes(), '/functions/bundle.js', 'record', { dataLogger: LOGGER });
    expect(other.responseBytesHexstring).toBeUndefined();
    expect(other.errorString).toMatch(/^WINDOW_COMMITMENT_MISMATCH: the API serves a document of digest 0x[0-9a-f]{64} for window/);
    expect(other.errorString).toContain(`not the committed 0x${'ab'.repeat(32)}`);
  }, 90_000);

  it('the inline source fits a Functions request (30 KB) with room for args', async () => {
    const { source } = await buildFunctionsSource({ codeUrl: `${base}/functions/bundle.js` });
    expect(source.length).toBeLessThan(4_000);
  });
});
