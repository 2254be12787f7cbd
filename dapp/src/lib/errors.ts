import { GridProofError, walkCause } from '@gridproof/protocol';

/** Stable codes of the errors the dApp raises itself. */
export type DappErrorCode = 'INVALID_APP_CONFIG' | 'GATEWAY_FETCH_FAILED';

/** Base of every error the dApp raises itself (protocol's one error base, with the dApp's codes). */
export class DappError<Code extends DappErrorCode = DappErrorCode> extends GridProofError<Code> {
  override name = 'DappError';
}

/** `config.json` is missing, unreadable or lacks a field. */
export class InvalidAppConfigError extends DappError<'INVALID_APP_CONFIG'> {
  override name = 'InvalidAppConfigError';
  constructor(shortMessage: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('INVALID_APP_CONFIG', shortMessage, options);
  }
}

/** The gateway did not return the block for a CID. */
export class GatewayFetchError extends DappError<'GATEWAY_FETCH_FAILED'> {
  override name = 'GatewayFetchError';
  constructor(shortMessage: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super('GATEWAY_FETCH_FAILED', shortMessage, options);
  }
}

/** What viem attaches to a decoded revert (`ContractFunctionRevertedError.data`). */
interface DecodedRevert {
  errorName: string;
  args?: readonly unknown[];
  abiItem?: { inputs?: readonly { name?: string }[] };
}

interface ErrorLike {
  shortMessage?: string;
  message?: string;
  functionName?: string;
  contractAddress?: string;
  data?: DecodedRevert;
}

const show = (v: unknown): string =>
  typeof v === 'bigint' ? v.toString() : typeof v === 'string' ? v : JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));

/**
 * One sentence for a person. It walks `cause` (protocol's `walkCause`) so that a contract revert is
 * named by its custom error with named arguments, not viem's wrapper text: "The contract refused
 * registerDevice: DeviceRegistryAlreadyRegistered(deviceId: 0x…)." Anything else: its short message.
 * @example describeError(new Error('boom')) // 'boom'
 */
export function describeError(error: unknown): string {
  const reverted = walkCause(error, (e) => typeof (e as ErrorLike | null)?.data?.errorName === 'string') as ErrorLike | null;
  if (reverted?.data) {
    const { errorName, args = [], abiItem } = reverted.data;
    const names = abiItem?.inputs?.map((i) => i.name) ?? [];
    const shown = args.map((a, i) => (names[i] ? `${names[i]}: ${show(a)}` : show(a))).join(', ');
    const call = (walkCause(error, (e) => typeof (e as ErrorLike | null)?.functionName === 'string') as ErrorLike | null)?.functionName;
    return `The contract refused${call ? ` ${call}` : ''}: ${errorName}(${shown}).`;
  }
  const top = error as ErrorLike | null;
  return top?.shortMessage ?? top?.message ?? String(error);
}
