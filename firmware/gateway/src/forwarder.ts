import { asErrorBody, toHex, type ErrorBody } from '@gridproof/protocol';
import { ApiRefusal as OracleApiRefusal, type IngestResponse } from '@gridproof/oracle-api/client';
import { httpTransport } from './oracleApi.js';

export { httpTransport };

/** One reading as the API acknowledged it (`POST /v1/readings` answer); `windowStart` is null over MQTT, which has no per-reading answer. */
export type ForwardedReading = Omit<IngestResponse['readings'][number], 'windowStart'> & { windowStart: number | null };

/** The API's answer to a batch, as a transport reports it (HTTP's ingest answer, or MQTT's stand-in for it). */
export type IngestAnswer = Omit<IngestResponse, 'readings'> & { readings: ForwardedReading[] };

/**
 * The API refused a meter's batch for good (4xx): relayed to the meter as is. The oracle API
 * client's refusal (typed `code`, `status`, `body`), plus the reading the API named.
 */
export class ApiRefusal extends OracleApiRefusal {
  constructor(
    status: number,
    body: unknown,
    /** The reading the API named (`details.index`), if it named one. */
    readonly refusedReading?: Uint8Array,
  ) {
    const refusal = OracleApiRefusal.fromResponse(status, body);
    super(status, refusal.code, refusal.shortMessage, { details: refusal.details, body: refusal.body });
  }
}

/** One delivery attempt's outcome, in the API's HTTP terms (status 0 = unreachable): the ingest answer, or an error body. */
export interface DeliveryResult {
  status: number;
  body: IngestAnswer | ErrorBody<string> | { error?: unknown } | undefined;
}

/** How a batch reaches the API: `POST /v1/readings` (default) or MQTT (`mqttTransport`). */
export interface ForwarderTransport {
  /** Whether batches of several meters may share one delivery (true for HTTP). */
  coalesce: boolean;
  deliver(readings: Uint8Array[]): Promise<DeliveryResult>;
  close?(): Promise<void>;
}

export interface ForwarderOptions {
  apiUrl: string;
  /** Default: HTTP to `apiUrl`. */
  transport?: ForwarderTransport;
  /** Readings per API request (the API's MAX_BATCH, default 500). */
  maxBatch?: number;
  /** Backoff between retries while the API is down or answers 5xx. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Delivered readings remembered, so a meter's re-send after a timed-out ack is answered without posting twice. */
  deliveredCacheSize?: number;
  /** A request the API has not answered in this time counts as failed and is retried. Default 15 000 ms. */
  requestTimeoutMs?: number;
  /** Called once per reading the API acknowledged, with the exact bytes. */
  onDelivered?: (signed: Uint8Array[], results: ForwardedReading[]) => void;
  log?: (line: string) => void;
}

interface Job {
  readings: Uint8Array[];
  keys: string[];
  resolve: (results: ForwardedReading[]) => void;
  reject: (err: unknown) => void;
}

/**
 * The gateway's outbox. Meters' batches queue in arrival order (the API refuses a counter lower
 * than one it already stored, so order matters) and go out coalesced, up to `maxBatch` per request.
 * The exact bytes received are posted: the gateway never edits, drops or re-signs a reading.
 * While the API is down (network error, 5xx, 429) the queue waits and retries with backoff; a
 * 4xx refuses only the meter batch it names (`details.index`), the others go again at once.
 * A reading is queued once however often a meter re-sends it, so an outage delivers it once.
 */
export class Forwarder {
  private readonly queue: Job[] = [];
  private readonly pending = new Map<string, Promise<ForwardedReading>>();
  private readonly delivered = new Map<string, ForwardedReading>();
  private pumping = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly opts: Required<Omit<ForwarderOptions, 'onDelivered' | 'transport'>> & Pick<ForwarderOptions, 'onDelivered'>;
  private readonly transport: ForwarderTransport;
  /** Requests that failed and were retried (outage figure). */
  retries = 0;

  constructor(options: ForwarderOptions) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as ForwarderOptions;
    this.opts = {
      maxBatch: 500,
      requestTimeoutMs: 15_000,
      minRetryDelayMs: 100,
      maxRetryDelayMs: 5_000,
      deliveredCacheSize: 50_000,
      log: () => {},
      ...defined,
    };
    this.transport = options.transport ?? httpTransport(this.opts.apiUrl, this.opts.requestTimeoutMs);
  }

  /** Readings queued and not yet acknowledged by the API. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Resolves with the API's answer for each reading once the API acknowledged all of them;
   * rejects with `ApiRefusal` if the API refused one of them for good.
   */
  submit(readings: Uint8Array[]): Promise<ForwardedReading[]> {
    if (this.closed) return Promise.reject(new Error('forwarder closed'));
    const fresh: Uint8Array[] = [];
    const freshKeys: string[] = [];
    const waits = readings.map((bytes) => {
      const key = toHex(bytes);
      const done = this.delivered.get(key);
      if (done) return Promise.resolve(done);
      const pending = this.pending.get(key);
      if (pending) return pending;
      const index = freshKeys.indexOf(key);
      if (index >= 0) return undefined; // same reading twice in one batch: resolved below with its twin
      fresh.push(bytes);
      freshKeys.push(key);
      return undefined;
    });
    if (fresh.length > 0) {
      const job = new Promise<ForwardedReading[]>((resolve, reject) => {
        this.queue.push({ readings: fresh, keys: freshKeys, resolve, reject });
      });
      freshKeys.forEach((key, i) => {
        const p = job.then((results) => results[i]);
        p.catch(() => {}); // observed through `submit`'s own promise
        this.pending.set(key, p);
      });
      this.pump();
    }
    return Promise.all(readings.map((bytes, i) => waits[i] ?? this.pending.get(toHex(bytes)) ?? Promise.resolve(this.delivered.get(toHex(bytes))!)));
  }

  /** Stops retrying; queued batches reject (they were never acknowledged to a meter, which still holds them). */
  close(): void {
    this.closed = true;
    void this.transport.close?.();
    this.wake?.();
    for (const job of this.queue.splice(0)) {
      for (const k of job.keys) this.pending.delete(k);
      job.reject(new Error('gateway closed before the API acknowledged'));
    }
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.run().finally(() => (this.pumping = false));
  }

  private async run(): Promise<void> {
    let delay = this.opts.minRetryDelayMs;
    while (!this.closed && this.queue.length > 0) {
      const batch: Job[] = [];
      let size = 0;
      for (const job of this.queue) {
        if (batch.length > 0 && (!this.transport.coalesce || size + job.readings.length > this.opts.maxBatch)) break;
        batch.push(job);
        size += job.readings.length;
      }
      const readings = batch.flatMap((j) => j.readings);
      const { status, body } = await this.transport.deliver(readings);
      if (this.closed) return;
      const answer =
        status === 200 && body && 'readings' in body && Array.isArray(body.readings) && body.readings.length === readings.length ? body : undefined;
      const error = asErrorBody(body)?.error;
      if (answer) {
        delay = this.opts.minRetryDelayMs;
        let offset = 0;
        for (const job of batch) {
          const results = answer.readings.slice(offset, offset + job.readings.length);
          offset += job.readings.length;
          this.finish(job);
          for (const [i, k] of job.keys.entries()) this.remember(k, results[i]);
          job.resolve(results);
          this.opts.onDelivered?.(job.readings, results);
        }
        continue;
      }
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        // All or nothing at the API: refuse the batch it names, send the rest again straight away.
        const index = error?.details?.index;
        const refused: Uint8Array | undefined = typeof index === 'number' && Number.isInteger(index) ? readings[index] : undefined;
        const named = refused && batch.find((job) => job.readings.includes(refused));
        for (const job of named ? [named] : batch) {
          this.finish(job);
          job.reject(new ApiRefusal(status, body, refused));
        }
        continue;
      }
      this.retries += 1;
      this.opts.log(
        `API ${status === 0 ? 'unreachable' : `answered ${status}`} (${error?.code ?? 'no code'}); ${this.pending.size} reading(s) held, retry in ${delay} ms`,
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      delay = Math.min(delay * 2, this.opts.maxRetryDelayMs);
    }
  }

  private finish(job: Job): void {
    this.queue.splice(this.queue.indexOf(job), 1);
    for (const k of job.keys) this.pending.delete(k);
  }

  private remember(key: string, result: ForwardedReading): void {
    this.delivered.set(key, result);
    if (this.delivered.size > this.opts.deliveredCacheSize) this.delivered.delete(this.delivered.keys().next().value!);
  }
}
