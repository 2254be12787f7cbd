import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { parseWorkflowConfig, workflowConfigSchema, WorkflowConfigError } from './config.js';

const good = {
  schedule: '0 * * * * *',
  apiUrl: 'http://127.0.0.1:8787',
  windowSeconds: 60,
  sealDelaySeconds: 20,
  chainSelectorName: 'anvil-devnet',
  deviceRegistryAddress: '0x1111111111111111111111111111111111111111',
  dataLoggerAddress: '0x2222222222222222222222222222222222222222',
  gasLimit: '600000',
};

describe('workflow config', () => {
  test('resolves the chain selector from its name and defaults to finalized registry reads', () => {
    const c = parseWorkflowConfig(good);
    expect(c.chainSelector).toBe(7759470850252068959n);
    expect(c.registryBlock).toBe('finalized');
  });

  test('the committed config.local.json is valid', () => {
    const c = parseWorkflowConfig(JSON.parse(readFileSync(new URL('../../config.local.json', import.meta.url), 'utf8')));
    expect(c.chainSelectorName).toBe('anvil-devnet');
  });

  test.each([
    ['schedule', { schedule: '* * * * *' }],
    ['apiUrl', { apiUrl: 'http://127.0.0.1:8787/' }],
    ['windowSeconds', { windowSeconds: 7 }],
    ['sealDelaySeconds', { sealDelaySeconds: -1 }],
    ['chainSelectorName', { chainSelectorName: 'no-such-chain' }],
    ['chainSelector', { chainSelector: '1' }],
    ['dataLoggerAddress', { dataLoggerAddress: '0x22' }],
    ['gasLimit', { gasLimit: '0' }],
    ['registryBlock', { registryBlock: 'pending' }],
    ['extra', { extra: 1 }],
    ['samplingThreshold', { samplingThreshold: 0, sampleSize: 1 }],
    ['samplingThreshold', { samplingThreshold: 1.5, sampleSize: 1 }],
    ['samplingThreshold', { samplingThreshold: '1000', sampleSize: 100 }],
    ['sampleSize', { samplingThreshold: 1000 }],
    ['sampleSize', { samplingThreshold: 1000, sampleSize: 0 }],
    ['sampleSize', { samplingThreshold: 1000, sampleSize: 1001 }],
    ['sampleSize', { sampleSize: 100 }],
  ])('rejects a bad %s, naming the field', (field, change) => {
    let err: unknown;
    try {
      parseWorkflowConfig({ ...good, ...change });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WorkflowConfigError);
    expect((err as WorkflowConfigError).code).toBe('WORKFLOW_CONFIG_INVALID');
    expect((err as Error).message).toContain(`"${field}"`);
  });

  test('sampling is off unless samplingThreshold is set; sampleSize may equal the threshold', () => {
    const off = parseWorkflowConfig(good);
    expect(off.samplingThreshold).toBeUndefined();
    expect(off.sampleSize).toBeUndefined();
    const on = parseWorkflowConfig({ ...good, samplingThreshold: 1000, sampleSize: 200 });
    expect([on.samplingThreshold, on.sampleSize]).toEqual([1000, 200]);
    expect(parseWorkflowConfig({ ...good, samplingThreshold: 1, sampleSize: 1 }).sampleSize).toBe(1);
  });

  test('works as the Standard Schema the Runner takes', () => {
    const ok = workflowConfigSchema['~standard'].validate(good);
    expect('value' in ok && ok.value).toBeTruthy();
    const bad = workflowConfigSchema['~standard'].validate({ ...good, gasLimit: 'x' });
    expect('issues' in bad && bad.issues?.[0].message).toContain('gasLimit');
  });
});
