import {
  buildWindowDocument,
  decodeWindowDocument,
  parseReadingsDocument,
  WINDOW_DOCUMENT_VERSION,
  type DeviceBatchInput,
  type WindowDocument,
} from './batch.js';
import { InvalidWindowDocumentError } from './errors.js';

/** What the sealer hands a kind's builder: the window and the kind's own inputs. */
export interface BatchBuildInput<Input> {
  windowStart: number;
  windowSeconds: number;
  input: Input;
}

/**
 * One kind of anchored batch at the document level: how the sealer builds its document and the
 * strict shape a verifier parses. Every kind shares the document's `version`, `kind`,
 * `windowStart`, `windowSeconds` and `root`, the DAG-JSON encoding, the CID and the report; its
 * contents, leaves and checks are its own (the DON's verifier per kind: functions-source `batchVerifiers`).
 */
export interface BatchKindDefinition<Kind extends string, Input, Doc extends { kind: Kind }> {
  kind: Kind;
  /** Pure: the same inputs give the same document (and so the same bytes and CID) anywhere. */
  build(args: BatchBuildInput<Input>): Doc;
  /** The document's keys and types, strictly; throws {@link InvalidWindowDocumentError} naming the key. */
  parse(value: unknown): Doc;
}

/** Signed meter readings, per device, with a two-level Merkle tree (reading leaves under device summary leaves). */
export const readingsBatchKind: BatchKindDefinition<'readings', DeviceBatchInput[], WindowDocument> = {
  kind: 'readings',
  build: ({ windowStart, windowSeconds, input }) => buildWindowDocument({ windowStart, windowSeconds, devices: input }),
  parse: parseReadingsDocument,
};

/**
 * The registry of batch kinds: a new kind (grid-status batches next) is added here, and the
 * type system then asks for its verifier in functions-source's `batchVerifiers`.
 */
export const batchKinds = { readings: readingsBatchKind } as const;
export type BatchKind = keyof typeof batchKinds;
/** The document type of a kind. */
export type BatchDocument<K extends BatchKind = BatchKind> = ReturnType<(typeof batchKinds)[K]['parse']>;

/** The definition of a registered kind; throws INVALID_WINDOW_DOCUMENT (reason UNKNOWN_KIND) for any other value. */
export function batchKindOf(kind: unknown): (typeof batchKinds)[BatchKind] {
  if (typeof kind === 'string' && Object.hasOwn(batchKinds, kind)) return batchKinds[kind as BatchKind];
  throw new InvalidWindowDocumentError(`Unknown batch kind ${JSON.stringify(kind)}; known kinds: ${Object.keys(batchKinds).join(', ')}.`, {
    reason: 'UNKNOWN_KIND',
    position: 'kind',
    key: 'kind',
    kind,
  });
}

/**
 * Decodes canonical window document bytes and checks them strictly: a supported `version`, a
 * registered `kind`, and exactly that kind's keys with their types. Throws
 * {@link InvalidWindowDocumentError} whose `reason` says what (NOT_DAG_JSON, NOT_CANONICAL,
 * UNSUPPORTED_VERSION, UNKNOWN_KIND, UNKNOWN_KEY, MISSING_KEY, WRONG_TYPE) and whose message names the key.
 * @example const doc = parseWindowDocument(bytes) // doc.kind === 'readings'
 */
export function parseWindowDocument(bytes: Uint8Array): BatchDocument {
  const value = decodeWindowDocument(bytes) as unknown as Record<string, unknown>;
  if (value.version !== WINDOW_DOCUMENT_VERSION) {
    throw new InvalidWindowDocumentError(`Window document version ${JSON.stringify(value.version)} is not supported (expected ${WINDOW_DOCUMENT_VERSION}).`, {
      reason: 'UNSUPPORTED_VERSION',
      position: 'version',
      key: 'version',
      version: value.version,
    });
  }
  if (!('kind' in value))
    throw new InvalidWindowDocumentError('The window document is missing key "kind".', { reason: 'MISSING_KEY', position: 'kind', key: 'kind' });
  return batchKindOf(value.kind).parse(value);
}
