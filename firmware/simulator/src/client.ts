import type { SendReadingsResult } from '@gridproof/gateway';
import { ApiRefusal, createOracleApiClient } from '@gridproof/oracle-api/client';

/**
 * The oracle API's answer to a batch, whichever way it went (direct POST, gateway, MQTT): the
 * ingest answer on 200, else its error body (status 0, `API_UNREACHABLE`: no answer).
 */
export type PostReadingsResult = SendReadingsResult;

/** POSTs signed readings to the oracle API (`POST /v1/readings`) through its typed client; never throws for an API answer. */
export async function postReadings(apiUrl: string, signed: Uint8Array[]): Promise<PostReadingsResult> {
  try {
    return { status: 200, body: await createOracleApiClient({ baseUrl: apiUrl }).postReadings(signed) };
  } catch (err) {
    if (!(err instanceof ApiRefusal)) throw err;
    return { status: err.status, body: err.body ?? { error: { code: err.code, message: err.shortMessage, details: err.details } } };
  }
}
