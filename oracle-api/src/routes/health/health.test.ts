import { describe, expect, it } from 'vitest';
import { useTestApi, T0 } from '../../test/fixtures.js';

describe('GET /health', () => {
  const api = useTestApi();

  it('answers ok with the rules in force', async () => {
    const res = await api().app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', now: T0 + 10, windowSeconds: 300, lastSealedWindowStart: null });
  });

  it('answers unknown paths with a 404 error body', async () => {
    const res = await api().app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
