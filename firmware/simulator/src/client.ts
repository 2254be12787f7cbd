import { toHex } from '@gridproof/protocol';

export interface PostReadingsResult {
  status: number;
  body: { accepted?: number; duplicates?: number; error?: { code: string; message: string; details?: Record<string, unknown> } };
}

/** POSTs signed readings to the oracle API (`POST /v1/readings`). */
export async function postReadings(apiUrl: string, signed: Uint8Array[]): Promise<PostReadingsResult> {
  const res = await fetch(`${apiUrl}/v1/readings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ readings: signed.map(toHex) }),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as PostReadingsResult['body'] };
}
