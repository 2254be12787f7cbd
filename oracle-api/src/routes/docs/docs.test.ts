import { describe, expect, it } from 'vitest';
import { MAX_BATCH } from '../paths.js';
import { useTestApi, errorOf } from '../../test/fixtures.js';

describe('OpenAPI document and /docs', () => {
  const api = useTestApi();

  it('/openapi.json is OpenAPI 3.1 with every route, its parameters and error codes', async () => {
    const res = await api().app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/health',
      '/v1/readings',
      '/v1/windows',
      '/v1/windows/{windowStart}',
      '/v1/windows/{windowStart}/document',
      '/v1/devices',
      '/v1/devices/{deviceId}/chart',
      '/v1/devices/{deviceId}/liveness',
      '/v1/live',
      '/ipfs/{cid}',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    const chart = doc.paths['/v1/devices/{deviceId}/chart'].get;
    expect(chart.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'deviceId', in: 'path', required: true, schema: expect.objectContaining({ pattern: expect.any(String) }) }),
        expect.objectContaining({ name: 'range', in: 'query', schema: expect.objectContaining({ enum: ['hour', 'day', 'week', 'month', 'year'] }) }),
        expect.objectContaining({ name: 'tz', in: 'query' }),
      ]),
    );
    expect(doc.paths['/v1/readings'].post.requestBody.content['application/json'].schema.properties.readings).toMatchObject({
      type: 'array',
      minItems: 1,
      maxItems: MAX_BATCH,
    });
    expect(doc.paths['/v1/readings'].post.responses['422'].description).toMatch(/BAD_SIGNATURE/);
    // Each documented operation is a route the app actually serves (not a 404 NOT_FOUND).
    const gets = Object.keys(doc.paths).filter((p) => doc.paths[p].get);
    expect(gets.length).toBeGreaterThan(10);
    for (const path of gets) {
      const url = path.replace('{deviceId}', 'SOLR_0001').replace('{windowStart}', '1767225600').replace('{cid}', 'bafy').replace('{asset}', 'swagger-ui.css');
      const res = await api().app.request(url);
      const body = await res.text();
      expect(res.status !== 404 || !body.startsWith('{"error":{"code":"NOT_FOUND"'), url).toBe(true);
    }
  });

  it('/docs is an HTML page whose scripts and styles are served here (offline)', async () => {
    const res = await api().app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const a of assets) {
      expect(a.startsWith('/')).toBe(true);
      const asset = await api().app.request(a);
      expect(asset.status, a).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    expect(html).toContain("url: '/openapi.json'");
    expect((await errorOf(await api().app.request('/docs/../../package.json'), 404)).code).toBe('NOT_FOUND');
    expect((await errorOf(await api().app.request('/docs/index.js'), 404)).code).toBe('NOT_FOUND');
  });
});
