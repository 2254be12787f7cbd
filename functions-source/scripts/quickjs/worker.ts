// Worker thread of QuickJsWorkflowWorker: runs the bundled workflow in the SDK's QuickJS plugin.
// The plugin calls capabilities synchronously, so each call is posted to the parent thread and this
// thread blocks (Atomics.wait) until the parent, free to do async I/O, posts the response back.
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { AnySchema } from '@bufbuild/protobuf/wkt';
import { SDK_PB } from '@chainlink/cre-sdk/pb';
import { runInQuickJs, type CapabilityHandler } from './host.js';
import type { WorkerReply, WorkerRun } from './workerHost.js';

const { signal, replies, callTimeoutMs } = workerData as { signal: SharedArrayBuffer; replies: MessagePort; callTimeoutMs: number };
const flag = new Int32Array(signal);
const port = parentPort!;

const call =
  (runId: number): CapabilityHandler =>
  ({ id, method, payload }) => {
    Atomics.store(flag, 0, 0);
    port.postMessage({ type: 'call', runId, id, method, payload: toBinary(AnySchema, payload) } satisfies WorkerReply);
    if (Atomics.wait(flag, 0, 0, callTimeoutMs) === 'timed-out')
      return { response: { case: 'error', value: `${id}/${method}: no answer within ${callTimeoutMs} ms` } };
    const reply = receiveMessageOnPort(replies)?.message as Uint8Array | undefined;
    if (!reply) return { response: { case: 'error', value: `${id}/${method}: the host sent no response` } };
    const response = fromBinary(SDK_PB.CapabilityResponseSchema, reply).response;
    if (response.case === 'payload' || response.case === 'error') return { response };
    return { response: { case: 'error', value: `${id}/${method}: empty response` } };
  };

port.on('message', async (m: WorkerRun) => {
  try {
    const out = await runInQuickJs(m.source, m.executeRequest, () => call(m.runId), m.nowMs);
    const result = toBinary(SDK_PB.ExecutionResultSchema, create(SDK_PB.ExecutionResultSchema, out.result));
    port.postMessage({ type: 'done', runId: m.runId, result, logs: out.logs, calls: out.calls, modes: out.modes } satisfies WorkerReply);
  } catch (e) {
    port.postMessage({ type: 'failed', runId: m.runId, message: (e as Error).message } satisfies WorkerReply);
  }
});
