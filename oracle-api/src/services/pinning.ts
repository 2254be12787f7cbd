import * as dagJson from '@ipld/dag-json';
import { equalBytes, windowDocumentCid } from '@gridproof/protocol';
import type { CID } from 'multiformats/cid';
import type { ServiceContext } from '../context.js';
import { ApiError } from '../lib/errors.js';

/** Most bytes one pin takes: an encrypted profile or a member list is a few KiB. */
export const MAX_PIN_BYTES = 64 * 1024;

/**
 * A second home for pinned bytes (production: Storacha). `pin` resolves once the remote holds the block under `cid`
 * (the same CIDv1 dag-json sha2-256), and throws otherwise; it must be idempotent.
 */
export interface RemotePinner {
  readonly name: string;
  pin(cid: CID, bytes: Uint8Array): Promise<void>;
}

export interface PinResult {
  cid: CID;
  size: number;
  /** False when the block was already stored (pinning is idempotent). */
  created: boolean;
  /** The remote pinner that also holds it, if one is configured. */
  remote?: string;
}

/**
 * Stores canonical DAG-JSON bytes (an encrypted profile, a member list) in the blockstore under their CIDv1
 * dag-json sha2-256 — the CID protocol's `profileDocumentCid` / `memberListCid` give — then in the remote pinner.
 * Other bytes are refused: a dag-json CID over bytes that are not canonical DAG-JSON would be a false label.
 * @example const { cid } = await pinDocument(ctx, encodeProfileDocument(doc))
 */
export async function pinDocument(ctx: ServiceContext, bytes: Uint8Array): Promise<PinResult> {
  let canonical = false;
  try {
    canonical = equalBytes(dagJson.encode(dagJson.decode(bytes)), bytes);
  } catch (err) {
    throw new ApiError(400, 'PIN_NOT_DAG_JSON', 'The body is not DAG-JSON.', { reason: 'NOT_DAG_JSON' }, err);
  }
  if (!canonical)
    throw new ApiError(400, 'PIN_NOT_DAG_JSON', 'The body is DAG-JSON but not canonical (sorted keys, no whitespace).', { reason: 'NOT_CANONICAL' });
  const cid = windowDocumentCid(bytes);
  const created = !(await ctx.blocks.has(cid));
  if (created) await ctx.blocks.put(cid, bytes);
  const remote = ctx.remotePinner;
  if (remote) {
    try {
      await remote.pin(cid, bytes);
    } catch (err) {
      ctx.logger.error('remote pin failed', { pinner: remote.name, cid: cid.toString(), error: String(err) });
      throw new ApiError(
        502,
        'PIN_REMOTE_FAILED',
        `Stored here, but ${remote.name} did not take it; retry (pinning is idempotent).`,
        { cid: cid.toString(), pinner: remote.name },
        err,
      );
    }
  }
  return { cid, size: bytes.length, created, ...(remote ? { remote: remote.name } : {}) };
}
