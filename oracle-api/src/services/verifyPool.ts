import { Worker } from 'node:worker_threads';
import { InvalidSignatureFormatError, KeyType, normalizeP256Signature, signatureFormatProblem, toHex, type DeviceKey } from '@gridproof/protocol';
import { readingSignatureVerdict } from './verifySignature.js';

export interface VerifyItem {
  readingBytes: Uint8Array;
  signature: Uint8Array;
  key: DeviceKey;
}

/** Per item: the protocol's verdict: true/false, or the format error (400). */
export type VerifyOutcome = boolean | InvalidSignatureFormatError;

export interface VerifyPool {
  readonly threads: number;
  verifyMany(items: readonly VerifyItem[]): Promise<VerifyOutcome[]>;
  close(): Promise<void>;
}

/** Below this many P-256 signatures a batch is verified inline: a round trip to a worker costs more. */
const MIN_OFFLOAD = 32;

/**
 * How a P-256 item goes to a worker, which runs plain ECDSA only: `as-is` when it passes the
 * policy's format checks; `high-s` (sent normalised) when only low-S fails, since the policy then
 * answers a format error if it verifies and `false` if not; undefined: answered inline.
 */
function offloadKind(item: VerifyItem): { kind: 'as-is' } | { kind: 'high-s'; message: string } | undefined {
  if (item.key.keyType !== KeyType.P256) return undefined;
  const problem = signatureFormatProblem(item.key.keyType, item.key.publicKey, item.signature);
  if (!problem) return { kind: 'as-is' };
  return problem.rule === 'P256_HIGH_S' ? { kind: 'high-s', message: problem.message } : undefined;
}

/**
 * Signature verification for ingest. P-256 work of a large batch is split over `threads` worker
 * threads (node:crypto; the policy's format checks stay here, so verdicts are those of
 * `readingSignatureVerdict`), so parsing, the database and HTTP on the main thread overlap with the curve math.
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
      const offload: { i: number; how: NonNullable<ReturnType<typeof offloadKind>> }[] = [];
      if (workers.length > 0) {
        items.forEach((item, i) => {
          const how = offloadKind(item);
          if (how) offload.push({ i, how });
        });
      }
      if (offload.length < MIN_OFFLOAD) offload.length = 0;
      const offloaded = new Set(offload.map((o) => o.i));
      // Each worker takes an equal slice; the rest is verified here meanwhile.
      const slice = Math.ceil(offload.length / workers.length);
      const jobs = workers
        .map((w, j) => ({ w, part: offload.slice(j * slice, (j + 1) * slice) }))
        .filter((job) => job.part.length > 0)
        .map(async ({ w, part }) => {
          const sent = part.map(({ i, how }) => (how.kind === 'as-is' ? items[i] : { ...items[i], signature: normalizeP256Signature(items[i].signature) }));
          const ok = await runOn(w, sent);
          part.forEach(({ i, how }, k) => {
            const valid = ok[k] === 1;
            if (how.kind === 'as-is') out[i] = valid;
            else out[i] = valid ? new InvalidSignatureFormatError(how.message, { rule: 'P256_HIGH_S' }) : false;
          });
        });
      items.forEach((item, i) => {
        if (!offloaded.has(i)) out[i] = readingSignatureVerdict(item.readingBytes, item.signature, item.key);
      });
      await Promise.all(jobs);
      return out;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
