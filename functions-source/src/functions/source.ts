// The Chainlink Functions source: what each Functions DON node runs for one window request.
// Bundled by build.ts; the inline source on chain is a small loader that fetches this bundle and
// checks its SHA-256 before running it (the bundle is ~120 KB, a Functions request at most 30 KB).
import { oracleApiPaths } from '@gridproof/oracle-api/client';
import { decodeWindowDocument, encodeCommitReport, fromHex, windowDocumentDigest, type Hex } from '@gridproof/protocol';
import { FunctionsSourceError, WindowVerificationCode as Code, WindowVerificationError, type FunctionsSourceErrorCode } from '../errors.js';
import { verifyWindowAsync } from '../verifyWindowAsync.js';
import type { RegisteredDeviceKey } from '../verifyWindow.js';
import { decodeGetDevices, encodeGetDevices } from './registry.js';

/** The `Functions` object the Functions runtime (and the toolkit's simulator) provides. */
export interface FunctionsLibrary {
  makeHttpRequest(request: {
    url: string;
    method?: 'get' | 'post';
    headers?: Record<string, string>;
    data?: Record<string, unknown>;
    timeout?: number;
    responseType?: 'json' | 'arraybuffer' | 'text';
  }): Promise<{ error: false; status: number; data?: unknown } | { error: true; message?: string; code?: string }>;
}

/** Compiled into the bundle by the build: sampling settings are part of the source's identity (its hash is evented on chain). */
export interface FunctionsSourceSettings {
  /** Windows with more readings are sampled when a seed is given (bytesArgs[0]); without a seed they are refused. */
  samplingThreshold: number;
  sampleSize: number;
}

export interface FunctionsRequestInput {
  /**
   * From the consumer (FunctionsWindowAnchor): [windowStart, windowSeconds, apiUrl, deviceRegistry, phase], phase
   * `commit` (answer the 64-byte commit report of the served document's digest) or `record` (answer the 224-byte record).
   */
  args: string[];
  /** bytesArgs[0] of a `record` request: the 32-byte sampling seed, the hash of the block after the commit. */
  bytesArgs?: string[];
  /**
   * DON-hosted secrets: `rpcUrl` (required: the chain's JSON-RPC, with its API key in production), `dataLogger`
   * (optional: with it, a `record` request first reads `getCommitment` and refuses another document than the
   * committed one, `WINDOW_COMMITMENT_MISMATCH`; the DataLogger refuses it anyway) and `registryBlock`
   * (default `finalized`: a registration a reorg can still remove is not used). `latest` (or a non-final `safe`/number)
   * is a reorg-UNSAFE opt-in: a window verified against a registration that a reorg then removes stays recorded and
   * `WindowChallenger.challengeSignature` freezes it as DEVICE_NOT_REGISTERED although it was honest.
   */
  secrets: Record<string, string | undefined>;
}

/** Device ids per getDevices eth_call (the JSON body must stay under the 2 KB request limit). */
export const IDS_PER_CALL = 24;
/** 5 HTTP requests per run: the code, the document, and at most 3 registry reads. */
export const MAX_REGISTRY_CALLS = 3;
/** `getCommitment(uint64)` selector (pinned against viem in registry.test.ts). */
export const GET_COMMITMENT_SELECTOR = '0x1cda73ab';

/**
 * Runs one window request. Phase `commit`: fetches the document (it must decode, for the requested window) and returns
 * `encodeCommitReport({ windowStart, cidDigest })`, 64 bytes, nothing verified yet (no seed exists). Phase `record`:
 * fetches the sealed window document from the API (1 HTTP request), reads
 * the devices' keys from the DeviceRegistry on chain through JSON-RPC (1-3 requests; the API is never
 * asked for keys), re-verifies the whole window with WebCrypto P-256 and returns the 224-byte
 * window report, the exact payload the CRE path delivers, so both paths record the same bytes.
 * Errors are thrown with a stable code first and name the reading.
 * @example
 * return await runFunctionsRequest({ args, bytesArgs, secrets }, Functions, settings)
 */
export async function runFunctionsRequest(input: FunctionsRequestInput, Functions: FunctionsLibrary, settings: FunctionsSourceSettings): Promise<Uint8Array> {
  const { args, bytesArgs = [], secrets } = input;
  if (!Array.isArray(args) || args.length !== 5)
    throw new FunctionsSourceError(
      'BAD_ARGS',
      `expected 5 args [windowStart, windowSeconds, apiUrl, deviceRegistry, phase], got ${Array.isArray(args) ? args.length : typeof args}`,
    );
  const [startArg, secondsArg, apiUrl, registry, phase] = args;
  if (phase !== 'commit' && phase !== 'record') throw new FunctionsSourceError('BAD_ARGS', `phase ${phase} is neither "commit" nor "record"`);
  if (!/^\d{1,15}$/.test(startArg) || !/^\d{1,5}$/.test(secondsArg))
    throw new FunctionsSourceError('BAD_ARGS', `windowStart ${startArg} / windowSeconds ${secondsArg} are not decimal integers`);
  if (!/^https?:\/\/\S+$/.test(apiUrl)) throw new FunctionsSourceError('BAD_ARGS', `apiUrl ${apiUrl} is not an http(s) URL`);
  if (!/^0x[0-9a-fA-F]{40}$/.test(registry)) throw new FunctionsSourceError('BAD_ARGS', `deviceRegistry ${registry} is not an address`);
  const rpcUrl = secrets?.rpcUrl;
  if (!rpcUrl || !/^https?:\/\/\S+$/.test(rpcUrl))
    throw new FunctionsSourceError('BAD_SECRETS', 'secret rpcUrl (the chain JSON-RPC URL) is missing or not an http(s) URL');
  const registryBlock = secrets.registryBlock ?? 'finalized';
  if (!/^(latest|finalized|safe|0x[0-9a-f]+)$/.test(registryBlock))
    throw new FunctionsSourceError('BAD_SECRETS', `registryBlock ${registryBlock} is not a block tag`);
  const dataLogger = secrets.dataLogger;
  if (dataLogger !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(dataLogger))
    throw new FunctionsSourceError('BAD_SECRETS', `dataLogger ${dataLogger} is not an address`);
  const seed = bytesArgs[0]?.toLowerCase() as Hex | undefined;
  if (seed !== undefined && !/^0x[0-9a-f]{64}$/.test(seed)) throw new FunctionsSourceError('BAD_ARGS', 'bytesArgs[0] (sampling seed) is not 32 bytes');
  const windowStart = Number(startArg);
  const windowSeconds = Number(secondsArg);

  // 1. The document, as bytes (its SHA-256 is the CID digest the report carries).
  const url = `${apiUrl.replace(/\/+$/, '')}${oracleApiPaths.windowDocument(windowStart)}`;
  const doc = await Functions.makeHttpRequest({ url, responseType: 'arraybuffer', timeout: 9000 });
  if (doc.error) throw new FunctionsSourceError('DOCUMENT_UNAVAILABLE', `GET ${url}: ${doc.code ?? ''} ${doc.message ?? ''}`.trim());
  const documentBytes = new Uint8Array(doc.data as ArrayBuffer);
  const cidDigest = windowDocumentDigest(documentBytes);

  if (phase === 'commit') {
    // Commit, then draw: only the digest of what the API serves now; the seed is the hash of the block after this commit.
    let documentStart: unknown;
    try {
      documentStart = decodeWindowDocument(documentBytes).windowStart;
    } catch (e) {
      throw new FunctionsSourceError(Code.DOCUMENT_MALFORMED, `window ${windowStart}: the document at ${url} does not decode: ${(e as Error).message}`);
    }
    if (documentStart !== windowStart)
      throw new FunctionsSourceError(Code.WINDOW_MISMATCH, `the document at ${url} is window ${String(documentStart)}, not ${windowStart}`);
    return fromHex(encodeCommitReport({ windowStart, cidDigest }));
  }
  if (dataLogger !== undefined) {
    const committed = await readCommitment(Functions, rpcUrl, dataLogger, windowStart);
    if (committed !== cidDigest) {
      throw new FunctionsSourceError(
        'WINDOW_COMMITMENT_MISMATCH',
        `the API serves a document of digest ${cidDigest} for window ${windowStart}, not the committed ${committed}`,
      );
    }
  }

  // 2. The keys, from the chain. A document that does not decode gets no keys; verifyWindow names its fault.
  let deviceIds: string[] = [];
  try {
    deviceIds = decodeWindowDocument(documentBytes).devices.map((d) => String(d.deviceId));
  } catch {
    deviceIds = [];
  }
  let deviceKeys: Record<string, RegisteredDeviceKey | undefined> = {};
  // A Functions HTTP request body is at most 2 KB: ~24 ids per eth_call, and at most 3 calls after the code and the document.
  const chunks: string[][] = [];
  for (let i = 0; i < deviceIds.length; i += IDS_PER_CALL) chunks.push(deviceIds.slice(i, i + IDS_PER_CALL));
  // 5 HTTP requests in all: the code, the document, the commitment (with `dataLogger`) and the registry reads.
  const maxRegistryCalls = MAX_REGISTRY_CALLS - (dataLogger === undefined ? 0 : 1);
  if (chunks.length > maxRegistryCalls) {
    throw new FunctionsSourceError(
      'TOO_MANY_DEVICES',
      `window ${windowStart} has ${deviceIds.length} devices; one request reads at most ${IDS_PER_CALL * maxRegistryCalls} keys`,
    );
  }
  for (const ids of chunks) {
    const result = await ethCall(
      Functions,
      rpcUrl,
      { to: registry, data: encodeGetDevices(ids), block: registryBlock },
      {
        name: 'getDevices',
        code: 'REGISTRY_UNAVAILABLE',
        result: /^0x[0-9a-fA-F]*$/,
        missing: 'no result',
      },
    );
    deviceKeys = { ...deviceKeys, ...decodeGetDevices(result, ids) };
  }

  // 3. Verify. Above the threshold: sampled signatures when the consumer supplied a seed, otherwise refuse.
  const population = countReadings(documentBytes);
  if (population > settings.samplingThreshold && !seed) {
    throw new FunctionsSourceError(
      'WINDOW_TOO_LARGE',
      `window ${windowStart} has ${population} readings, above ${settings.samplingThreshold} verifiable in full, and the request carries no sampling seed`,
    );
  }
  try {
    const { payload } = await verifyWindowAsync({
      documentBytes,
      expectedWindowStart: windowStart,
      windowSeconds,
      deviceKeys,
      sampling: seed ? { threshold: settings.samplingThreshold, sampleSize: settings.sampleSize, seed } : undefined,
    });
    return fromHex(payload);
  } catch (e) {
    if (e instanceof WindowVerificationError) throw new FunctionsSourceError(e.code, e.message, e);
    throw e;
  }
}

/** `getCommitment(windowStart)` on the DataLogger at the latest block: the committed digest (zero when none). */
async function readCommitment(Functions: FunctionsLibrary, rpcUrl: string, dataLogger: string, windowStart: number): Promise<Hex> {
  const data = `${GET_COMMITMENT_SELECTOR}${windowStart.toString(16).padStart(64, '0')}`;
  const result = await ethCall(
    Functions,
    rpcUrl,
    { to: dataLogger, data, block: 'latest' },
    {
      name: 'getCommitment',
      code: 'LOGGER_UNAVAILABLE',
      result: /^0x[0-9a-fA-F]{128}$/,
      missing: 'no 64-byte result',
    },
  );
  return `0x${result.slice(2, 66).toLowerCase()}` as Hex;
}

/**
 * One `eth_call` over the chain's JSON-RPC (one of the run's 5 HTTP requests). A transport error or a result that is not
 * `expect.result` throws `expect.code`, naming the call (`eth_call <name>: …`).
 */
async function ethCall(
  Functions: FunctionsLibrary,
  rpcUrl: string,
  call: { to: string; data: string; block: string },
  expect: { name: string; code: FunctionsSourceErrorCode; result: RegExp; missing: string },
): Promise<Hex> {
  const rpc = await Functions.makeHttpRequest({
    url: rpcUrl,
    method: 'post',
    headers: { 'content-type': 'application/json' },
    data: { jsonrpc: '2.0', id: 1, method: 'eth_call', params: [{ to: call.to, data: call.data }, call.block] },
    timeout: 9000,
  });
  if (rpc.error) throw new FunctionsSourceError(expect.code, `eth_call ${expect.name}: ${rpc.code ?? ''} ${rpc.message ?? ''}`.trim());
  const body = rpc.data as { result?: string; error?: { message?: string } };
  if (typeof body?.result !== 'string' || !expect.result.test(body.result)) {
    throw new FunctionsSourceError(expect.code, `eth_call ${expect.name}: ${body?.error?.message ?? expect.missing}`);
  }
  return body.result as Hex;
}

function countReadings(documentBytes: Uint8Array): number {
  try {
    return decodeWindowDocument(documentBytes).devices.reduce((n, d) => n + (Array.isArray(d.readings) ? d.readings.length : 0), 0);
  } catch {
    return 0;
  }
}
