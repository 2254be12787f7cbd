import { ApiRefusal as OracleApiRefusal, createOracleApiClient } from '@gridproof/oracle-api/client';
import type { ForwarderTransport } from './forwarder.js';

/**
 * `POST {apiUrl}/v1/readings` through the oracle API's typed client, with the readings as 0x-hex,
 * exactly the bytes received. An answer is reported in the API's HTTP terms: 200 with the ingest
 * answer, or the status with the API's error body (status 0, `API_UNREACHABLE`, when there was none).
 */
export function httpTransport(apiUrl: string, requestTimeoutMs = 15_000): ForwarderTransport {
  // A hung API must not stall the outbox forever; idempotent ingest makes the retry safe.
  const api = createOracleApiClient({ baseUrl: apiUrl, timeoutMs: requestTimeoutMs });
  return {
    coalesce: true,
    async deliver(readings) {
      try {
        return { status: 200, body: await api.postReadings(readings) };
      } catch (err) {
        if (!(err instanceof OracleApiRefusal)) throw err;
        return { status: err.status, body: err.body ?? { error: { code: err.code, message: err.shortMessage, details: err.details } } };
      }
    },
  };
}
