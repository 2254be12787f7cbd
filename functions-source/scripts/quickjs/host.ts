// A minimal CRE host around the SDK's own QuickJS plugin (javy-chainlink-sdk.plugin.wasm), so the
// bundled workflow runs in the engine a DON runs it in, offline: WASI args carry the
// ExecuteRequest, env.* imports route capability calls to a handler, send_response ends the run.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { anyPack, type Any } from '@bufbuild/protobuf/wkt';
import { CRON_TRIGGER_PB, SDK_PB } from '@chainlink/cre-sdk/pb';

export type CapabilityHandler = (request: {
  id: string;
  method: string;
  payload: Any;
}) => { response: { case: 'payload'; value: Any } } | { response: { case: 'error'; value: string } };

export interface QuickJsRun {
  /** The ExecutionResult the workflow sent back (value or error). */
  result: InstanceType<typeof Object> & ReturnType<typeof decodeResult>;
  logs: string[];
  /** Capability calls in order, `id/method`. */
  calls: string[];
  /** Mode switches seen (1 DON, 2 NODE). */
  modes: number[];
}

function decodeResult(bytes: Uint8Array) {
  return fromBinary(SDK_PB.ExecutionResultSchema, bytes);
}

class ProcExit extends Error {
  constructor(readonly code: number) {
    super(`proc_exit(${code})`);
  }
}

/** The plugin wasm shipped in the npm package (no javy download, no cre-setup). */
export const pluginPath = (): string =>
  join(dirname(fileURLToPath(import.meta.resolve('@chainlink/cre-sdk-javy-plugin/scripts/shared'))), '..', 'dist', 'javy-chainlink-sdk.plugin.wasm');

/** Builds the ExecuteRequest of a cron tick for trigger #0 (the workflow's only handler). */
export function cronExecuteRequest(config: unknown, scheduledSeconds: number): Uint8Array {
  const payload = create(CRON_TRIGGER_PB.PayloadSchema, { scheduledExecutionTime: { seconds: BigInt(scheduledSeconds), nanos: 0 } });
  const request = create(SDK_PB.ExecuteRequestSchema, {
    config: new TextEncoder().encode(JSON.stringify(config)),
    maxResponseSize: 5n * 1024n * 1024n,
    request: { case: 'trigger', value: { id: 0n, payload: anyPack(CRON_TRIGGER_PB.PayloadSchema, payload) } },
  });
  return toBinary(SDK_PB.ExecuteRequestSchema, request);
}

// The SDK's restricted-apis typings hide WebAssembly from workflow code; this file is the host.
const wasm = Reflect.get(globalThis, 'WebAssembly') as {
  compile(bytes: Uint8Array): Promise<WebAssembly.Module>;
  instantiate(module: WebAssembly.Module, imports: WebAssembly.Imports): Promise<WebAssembly.Instance>;
};
// The plugin is compiled once per process, and a bundle's QuickJS bytecode once per source text
// (a long-running host, such as devnet's local DON, runs the same bundle on every cron tick).
let plugin: Promise<WebAssembly.Module> | undefined;
const bytecodes = new Map<string, Uint8Array>();

/**
 * Compiles `source` (the cre-compile JS bundle) with the plugin's QuickJS and runs it once for
 * `executeRequest`, answering capability calls with `handle(id)`.
 */
export async function runInQuickJs(
  source: string,
  executeRequest: Uint8Array,
  handle: (id: string) => CapabilityHandler | undefined,
  nowMs = 0,
): Promise<QuickJsRun> {
  plugin ??= wasm.compile(readFileSync(pluginPath()));
  const module = await plugin;
  let memory!: WebAssembly.Memory;
  const mem = () => new Uint8Array(memory.buffer);
  const view = () => new DataView(memory.buffer);
  const read = (ptr: number, len: number) => mem().slice(ptr, ptr + len);
  const logs: string[] = [];
  const calls: string[] = [];
  const modes: number[] = [];
  const pending = new Map<number, InstanceType<typeof Object>>();
  let result: Uint8Array | undefined;

  const args = ['workflow.wasm', Buffer.from(executeRequest).toString('base64')];
  const argBytes = args.map((a) => new TextEncoder().encode(`${a}\0`));
  const writeResponse = (bytes: Uint8Array, bufPtr: number, maxLen: number): bigint => {
    if (bytes.length > maxLen) {
      const msg = new TextEncoder().encode('response buffer too small').subarray(0, maxLen);
      mem().set(msg, bufPtr);
      return BigInt(-msg.length);
    }
    mem().set(bytes, bufPtr);
    return BigInt(bytes.length);
  };

  const env = {
    call_capability(ptr: number, len: number): bigint {
      const req = fromBinary(SDK_PB.CapabilityRequestSchema, read(ptr, len));
      calls.push(`${req.id}/${req.method}`);
      const handler = handle(req.id);
      if (!handler) return -1n;
      let response: ReturnType<typeof handler>['response'];
      try {
        response = handler({ id: req.id, method: req.method, payload: req.payload! }).response;
      } catch (e) {
        response = { case: 'error' as const, value: (e as Error).message };
      }
      pending.set(req.callbackId, create(SDK_PB.CapabilityResponseSchema, { response }));
      return 0n; // >= 0: accepted (node-mode callback ids are negative, so not the id itself)
    },
    await_capabilities(ptr: number, len: number, bufPtr: number, maxLen: number): bigint {
      const req = fromBinary(SDK_PB.AwaitCapabilitiesRequestSchema, read(ptr, len));
      const responses: Record<number, never> = {};
      for (const id of req.ids) {
        const r = pending.get(id);
        if (r) responses[id] = r as never;
        pending.delete(id);
      }
      return writeResponse(toBinary(SDK_PB.AwaitCapabilitiesResponseSchema, create(SDK_PB.AwaitCapabilitiesResponseSchema, { responses })), bufPtr, maxLen);
    },
    get_secrets: (_p: number, _l: number, bufPtr: number, maxLen: number) => writeResponse(new Uint8Array(), bufPtr, maxLen),
    await_secrets: (_p: number, _l: number, bufPtr: number, maxLen: number) => writeResponse(new Uint8Array(), bufPtr, maxLen),
    log(ptr: number, len: number) {
      logs.push(new TextDecoder().decode(read(ptr, len)));
    },
    send_response(ptr: number, len: number): number {
      result = read(ptr, len);
      return 0;
    },
    switch_modes(mode: number) {
      modes.push(mode);
    },
    version_v2_typescript() {},
    random_seed: (mode: number) => BigInt(1000 + mode),
    now(ptr: number): number {
      view().setBigUint64(ptr, BigInt(nowMs) * 1_000_000n, true);
      return 0;
    },
  };

  const ERRNO_BADF = 8;
  const wasi = {
    args_sizes_get(countPtr: number, sizePtr: number) {
      view().setUint32(countPtr, argBytes.length, true);
      view().setUint32(
        sizePtr,
        argBytes.reduce((n, a) => n + a.length, 0),
        true,
      );
      return 0;
    },
    args_get(argvPtr: number, bufPtr: number) {
      let offset = bufPtr;
      argBytes.forEach((a, i) => {
        view().setUint32(argvPtr + 4 * i, offset, true);
        mem().set(a, offset);
        offset += a.length;
      });
      return 0;
    },
    environ_sizes_get(countPtr: number, sizePtr: number) {
      view().setUint32(countPtr, 0, true);
      view().setUint32(sizePtr, 0, true);
      return 0;
    },
    environ_get: () => 0,
    clock_time_get(_id: number, _precision: bigint, outPtr: number) {
      view().setBigUint64(outPtr, BigInt(nowMs) * 1_000_000n, true);
      return 0;
    },
    random_get(ptr: number, len: number) {
      mem().fill(7, ptr, ptr + len); // deterministic: the workflow must not depend on it anyway
      return 0;
    },
    fd_write(fd: number, iovs: number, iovsLen: number, nwrittenPtr: number) {
      let n = 0;
      for (let i = 0; i < iovsLen; i++) {
        const p = view().getUint32(iovs + 8 * i, true);
        const l = view().getUint32(iovs + 8 * i + 4, true);
        if (fd === 1 || fd === 2) logs.push(`[fd${fd}] ${new TextDecoder().decode(read(p, l))}`);
        n += l;
      }
      view().setUint32(nwrittenPtr, n, true);
      return 0;
    },
    fd_read: () => ERRNO_BADF,
    fd_close: () => 0,
    fd_fdstat_get: () => ERRNO_BADF,
    fd_prestat_get: () => ERRNO_BADF,
    fd_prestat_dir_name: () => ERRNO_BADF,
    fd_seek: () => ERRNO_BADF,
    poll_oneoff: () => 0,
    proc_exit(code: number) {
      throw new ProcExit(code);
    },
  };

  const instance = await wasm.instantiate(module, { env, wasi_snapshot_preview1: wasi } as unknown as WebAssembly.Imports);
  const ex = instance.exports as Record<string, (...a: number[]) => number> & { memory: WebAssembly.Memory };
  memory = ex.memory;
  ex['initialize-runtime']();

  let bytecode = bytecodes.get(source);
  if (!bytecode) {
    const src = new TextEncoder().encode(source);
    const srcPtr = ex.cabi_realloc(0, 0, 1, src.length);
    mem().set(src, srcPtr);
    const ret = ex['compile-src'](srcPtr, src.length);
    // result<list<u8>, string>: [u8 tag][pad][i32 ptr][i32 len]
    const tag = view().getUint8(ret);
    const outPtr = view().getUint32(ret + 4, true);
    const outLen = view().getUint32(ret + 8, true);
    if (tag !== 0) throw new Error(`QuickJS could not compile the bundle: ${new TextDecoder().decode(read(outPtr, outLen))}`);
    bytecode = read(outPtr, outLen);
    bytecodes.clear(); // one bundle at a time: a rebuilt bundle replaces the old bytecode
    bytecodes.set(source, bytecode);
  }

  const bcPtr = ex.cabi_realloc(0, 0, 1, bytecode.length);
  mem().set(bytecode, bcPtr);
  try {
    ex.invoke(bcPtr, bytecode.length, 0, 0, 0); // option<string> none: run the module's top level
  } catch (e) {
    if (!(e instanceof ProcExit) || e.code !== 0) throw new Error(`QuickJS run failed: ${(e as Error).message}\n${logs.join('\n')}`);
  }
  if (!result) throw new Error(`The workflow sent no response.\n${logs.join('\n')}`);
  return { result: decodeResult(result), logs, calls, modes };
}
