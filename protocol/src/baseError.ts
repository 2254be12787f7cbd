/**
 * The one error base of GridProof, modelled on viem's `BaseError`: a literal `name`, a one-line
 * `shortMessage`, optional `details` (the offending values) and `cause`, and `walk()` down the
 * cause chain. Every package's errors extend it with a typed `code` union.
 */
export class GridProofError<Code extends string = string> extends Error {
  override name = 'GridProofError';
  /** Stable, machine-readable code; matched on by callers, never the message. */
  readonly code: Code;
  readonly shortMessage: string;
  readonly details?: Record<string, unknown>;
  constructor(code: Code, shortMessage: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details;
  }

  /**
   * Walks `this` and its `cause` chain: without a predicate it returns the deepest error; with one,
   * the first error (from `this` down) for which it holds, or null.
   */
  walk(fn?: (err: unknown) => boolean): unknown {
    return walkCause(this, fn);
  }
}

/** {@link GridProofError.walk} for any thrown value (viem errors, DOMExceptions, plain Errors). */
export function walkCause(err: unknown, fn?: (err: unknown) => boolean): unknown {
  let current: unknown = err;
  const seen = new Set<unknown>();
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    if (fn?.(current)) return current;
    const next = (current as { cause?: unknown }).cause;
    if (next === undefined || next === null) return fn ? null : current;
    current = next;
  }
  return fn ? null : current;
}
