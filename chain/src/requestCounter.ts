import type { Transport } from 'viem';

export interface RequestCounter {
  /** The wrapped transport: use it in a client. */
  transport: Transport;
  /** JSON-RPC requests made through it, by method (a JSON-RPC batch counts each request). */
  readonly counts: Readonly<Record<string, number>>;
  /** Parameters of every request of `method`, in order. */
  calls(method: string): unknown[];
  reset(): void;
}

/**
 * Counts the JSON-RPC requests a client makes, by method: how tests prove that a list costs one
 * `eth_getLogs` per page and no `eth_call`, and a cheap meter for /health.
 * @example const counter = countRequests(http(rpcUrl)); const client = createPublicClient({ transport: counter.transport });
 */
export function countRequests(inner: Transport): RequestCounter {
  let counts: Record<string, number> = {};
  let log: { method: string; params: unknown }[] = [];
  const transport: Transport = (options) => {
    const t = inner(options);
    return {
      ...t,
      request: (async (args: { method: string; params?: unknown }, opts?: unknown) => {
        counts[args.method] = (counts[args.method] ?? 0) + 1;
        log.push({ method: args.method, params: args.params });
        return (t.request as (a: unknown, o?: unknown) => Promise<unknown>)(args, opts);
      }) as typeof t.request,
    };
  };
  return {
    transport,
    get counts() {
      return counts;
    },
    calls: (method) => log.filter((c) => c.method === method).map((c) => c.params),
    reset() {
      counts = {};
      log = [];
    },
  };
}
