/** Base of every error the dApp raises itself: a one-line `shortMessage`, optional `details` and `cause`. */
export class DappError extends Error {
  override name = 'DappError';
  readonly shortMessage: string;
  readonly details?: Record<string, unknown>;
  constructor(shortMessage: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(shortMessage, { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}

/** `config.json` is missing, unreadable or lacks a field. */
export class InvalidAppConfigError extends DappError {
  override name = 'InvalidAppConfigError';
}

/** The gateway did not return the block for a CID. */
export class GatewayFetchError extends DappError {
  override name = 'GatewayFetchError';
}

interface ErrorLike {
  name?: string;
  shortMessage?: string;
  message?: string;
  cause?: unknown;
  data?: { errorName?: string; args?: readonly unknown[] };
}

/**
 * One line for a person: walks `.cause` so a contract revert shows its custom error name and
 * arguments (`DeviceRegistryUnknownDevice(0x…)`) instead of viem's wrapper text.
 * @example describeError(new Error('boom')) // 'boom'
 */
export function describeError(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; current && depth < 10; depth++) {
    const e = current as ErrorLike;
    if (e.data?.errorName) {
      const args = (e.data.args ?? []).map((a) => (typeof a === 'bigint' ? a.toString() : String(a))).join(', ');
      return `${e.data.errorName}(${args})`;
    }
    current = e.cause;
  }
  const top = error as ErrorLike;
  return top?.shortMessage ?? top?.message ?? String(error);
}
