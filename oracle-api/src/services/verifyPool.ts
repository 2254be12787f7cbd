import { Worker } from 'node:worker_threads';
import { InvalidSignatureFormatError, isLowS, KeyType, SIGNATURE_LENGTH, toHex, verifyReadingBytes, type DeviceKey } from '@gridproof/protocol';
import { verifyReadingSignature } from './verifySignature.js';

export interface VerifyItem {
  readingBytes: Uint8Array;
  signature: Uint8Array;
  key: DeviceKey;
}

/** Per item: true/false, or the format error protocol would throw. */
export type VerifyOutcome = boolean | InvalidSignatureFormatError;

export interface VerifyPool {
  readonly threads: number;
  verifyMany(items: readonly VerifyItem[]): Promise<VerifyOutcome[]>;
  close(): Promise<void>;
}

/** Below this many P-256 signatures a batch is verified inline: a round trip to a worker costs more. */
const MIN_OFFLOAD = 32;

/** The checks protocol's verifyReadingBytes makes before the curve math (lengths, low S), for P-256. */
function p256FormatError(item: VerifyItem): InvalidSignatureFormatError | undefined {
  if (item.signature.length !== SIGNATURE_LENGTH) return new InvalidSignatureFormatError(`Signature must be 64 bytes, got ${item.signature.length}.`);
  if (item.key.publicKey.length !== 64) return new InvalidSignatureFormatError('A P-256 public key is 64 bytes x‖y.');
  if (!isLowS(item.signature)) return new InvalidSignatureFormatError('P-256 signature is not low-S (s > n/2); normalise it first.');
  return undefined;
}

function verifyInline(item: VerifyItem): VerifyOutcome {
  try {
    return item.key.keyType === KeyType.P256 ? verifyReadingSignature(item.readingBytes, item.signature, item.key) : verifyReadingBytes(item.readingBytes, item.signature, item.key);
  } catch (err) {
    if (err instanceof InvalidSignatureFormatError) return err;
    throw err;
  }
}

/**
 * Signature verification for ingest. P-256 work of a large batch is split over `threads` worker
 * threads (node:crypto, same rules as `verifyReadingSignature`; format and low-S checks stay
 * here), so parsing, the database and HTTP on the main thread overlap with the curve math.
 * `threads: 0` verifies everything inline.
 */
export function createVerifyPool(threads: number): VerifyPool {
  const workers = Array.from({ length: threads }, () => {
    const w = new Worker(new URL('./verifyWorker.mjs', import.meta.url));
    w.unref();
    return w;
  });
  const pending = new Map<number, { resolve(ok: Uint8Array): void; reject(err: unknown): void }>();
  let nextId = 0;
  for (const w of workers) {
    w.on('message', ({ id, ok }: { id: number; ok: Uint8Array }) => {
      pending.get(id)?.resolve(ok);
      pending.delete(id);
    });
    w.on('error', (err) => {
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
  }

  function runOn(worker: Worker, items: VerifyItem[]): Promise<Uint8Array> {
    const keyHexes: string[] = [];
    const keyIds = new Map<Uint8Array, number>();
    const keyIndex = new Uint32Array(items.length);
    const messageLength = items[0].readingBytes.length;
    const messages = new Uint8Array(items.length * messageLength);
    const signatures = new Uint8Array(items.length * 64);
    items.forEach((item, i) => {
      let k = keyIds.get(item.key.publicKey);
      if (k === undefined) {
        k = keyHexes.push(toHex(item.key.publicKey).slice(2)) - 1;
        keyIds.set(item.key.publicKey, k);
      }
      keyIndex[i] = k;
      messages.set(item.readingBytes, i * messageLength);
      signatures.set(item.signature, i * 64);
    });
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, keyHexes, keyIndex, messages, signatures, messageLength }, [keyIndex.buffer, messages.buffer, signatures.buffer]);
    });
  }

  return {
    threads,
    async verifyMany(items) {
      const out: VerifyOutcome[] = new Array(items.length);
      const offload: number[] = [];
      items.forEach((item, i) => {
        if (item.key.keyType !== KeyType.P256 || workers.length === 0) return;
        const formatError = p256FormatError(item);
        if (formatError) out[i] = formatError;
        else offload.push(i);
      });
      if (offload.length < MIN_OFFLOAD) offload.length = 0;
      const offloaded = new Set(offload);
      // Each worker takes an equal slice; the rest is verified here meanwhile.
      const slice = Math.ceil(offload.length / workers.length);
      const jobs = workers
        .map((w, j) => ({ w, idx: offload.slice(j * slice, (j + 1) * slice) }))
        .filter((job) => job.idx.length > 0)
        .map(async ({ w, idx }) => {
          const ok = await runOn(w, idx.map((i) => items[i]));
          idx.forEach((i, k) => (out[i] = ok[k] === 1));
        });
      items.forEach((item, i) => {
        if (out[i] === undefined && !offloaded.has(i)) out[i] = verifyInline(item);
      });
      await Promise.all(jobs);
      return out;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
