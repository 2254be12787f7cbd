// Runs the bundled CRE workflow the way a DON node does (the SDK's QuickJS plugin wasm) in a worker
// thread, and answers its capability calls with an async handler on the calling thread, so a
// long-running host (devnet's local DON) can do real HTTP and RPC while the workflow blocks on them.
import { Worker, MessageChannel } from 'node:worker_threads';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { AnySchema, type Any } from '@bufbuild/protobuf/wkt';
import { SDK_PB } from '@chainlink/cre-sdk/pb';

/** One capability call from the workflow: the capability id (`evm:ChainSelector:…@1.0.0`), the method and its packed input. */
export interface CapabilityCall {
  id: string;
  method: string;
  payload: Any;
}

/** A capability's answer: a packed output, or an error message the workflow sees as a capability error. */
export type CapabilityAnswer = { case: 'payload'; value: Any } | { case: 'error'; value: string };

/** What one execution did: the ExecutionResult (value or error), the workflow's log lines and the calls it made. */
export interface WorkflowExecution {
  result: ReturnType<typeof fromBinary<typeof SDK_PB.ExecutionResultSchema>>;
  logs: string[];
  calls: string[];
  modes: number[];
}

/** Parent → worker: run the bundle once. */
export interface WorkerRun {
  runId: number;
  source: string;
  executeRequest: Uint8Array;
  nowMs: number;
}

/** Worker → parent. */
export type WorkerReply =
  | { type: 'call'; runId: number; id: string; method: string; payload: Uint8Array }
  | { type: 'done'; runId: number; result: Uint8Array; logs: string[]; calls: string[]; modes: number[] }
  | { type: 'failed'; runId: number; message: string };

/**
 * A QuickJS workflow engine in a worker thread; one execution at a time.
 * @example const w = new QuickJsWorkflowWorker(); await w.run(bundle, cronExecuteRequest(config, t), handler, t * 1000); await w.close();
 */
export class QuickJsWorkflowWorker {
  private readonly worker: Worker;
  private readonly flag: Int32Array;
  private readonly replies: MessageChannel;
  private nextRun = 1;
  private current:
    | { runId: number; handler: (call: CapabilityCall) => Promise<CapabilityAnswer>; resolve: (e: WorkflowExecution) => void; reject: (e: Error) => void }
    | undefined;

  constructor({ callTimeoutMs = 120_000 }: { callTimeoutMs?: number } = {}) {
    const signal = new SharedArrayBuffer(4);
    this.flag = new Int32Array(signal);
    this.replies = new MessageChannel();
    // The worker is TypeScript: its .mjs entry registers tsx in that thread, whatever loader (or none) this one runs under.
    this.worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: { signal, replies: this.replies.port2, callTimeoutMs },
      transferList: [this.replies.port2],
    });
    this.worker.unref(); // the worker never keeps the process alive on its own
    this.worker.on('message', (m: WorkerReply) => void this.onMessage(m));
    this.worker.on('error', (e) => {
      this.dead = e;
      this.fail(e);
    });
    this.worker.on('exit', (code) => {
      this.dead ??= new Error(`the QuickJS worker exited with code ${code}`);
      this.fail(this.dead);
    });
  }

  private dead: Error | undefined;

  /** Why the worker thread ended (a crash, or `close()`), or undefined while it runs. */
  get gone(): Error | undefined {
    return this.dead;
  }

  private fail(e: Error) {
    const c = this.current;
    this.current = undefined;
    c?.reject(e);
  }

  private async onMessage(m: WorkerReply) {
    const c = this.current;
    if (!c || m.runId !== c.runId) return;
    if (m.type === 'done') {
      this.current = undefined;
      c.resolve({ result: fromBinary(SDK_PB.ExecutionResultSchema, m.result), logs: m.logs, calls: m.calls, modes: m.modes });
    } else if (m.type === 'failed') {
      this.fail(new Error(m.message));
    } else {
      let answer: CapabilityAnswer;
      try {
        answer = await c.handler({ id: m.id, method: m.method, payload: fromBinary(AnySchema, m.payload) });
      } catch (e) {
        answer = { case: 'error', value: (e as Error).message };
      }
      this.replies.port1.postMessage(toBinary(SDK_PB.CapabilityResponseSchema, create(SDK_PB.CapabilityResponseSchema, { response: answer })));
      Atomics.store(this.flag, 0, 1);
      Atomics.notify(this.flag, 0);
    }
  }

  /**
   * Runs `source` once for `executeRequest`; every capability call goes to `handler`. `nowMs` is the
   * time the host reports to the workflow: the caller passes the trigger's scheduled time, never a
   * wall clock, so that every node running the same tick sees the same time.
   */
  run(source: string, executeRequest: Uint8Array, handler: (call: CapabilityCall) => Promise<CapabilityAnswer>, nowMs: number): Promise<WorkflowExecution> {
    if (this.dead) return Promise.reject(new Error(`the QuickJS worker is gone: ${this.dead.message}`));
    if (this.current) return Promise.reject(new Error('an execution is already running on this worker'));
    return new Promise((resolve, reject) => {
      const runId = this.nextRun++;
      this.current = { runId, handler, resolve, reject };
      this.worker.postMessage({ runId, source, executeRequest, nowMs } satisfies WorkerRun);
    });
  }

  /** Stops the worker thread (an execution in flight is rejected). */
  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.dead ??= new Error('the QuickJS worker was closed');
    this.fail(this.dead);
    Atomics.store(this.flag, 0, 1); // wake a blocked capability call so the thread can stop
    Atomics.notify(this.flag, 0);
    await this.worker.terminate();
  }
}
