import { GridProofError } from '@gridproof/protocol';
import { describe, expect, it } from 'vitest';
import { FunctionsSourceError } from '../errors.js';
import { toFunctionSelector } from 'viem';
import { GET_COMMITMENT_SELECTOR, runFunctionsRequest, type FunctionsLibrary } from './source.js';

const noNetwork: FunctionsLibrary = {
  makeHttpRequest: async () => {
    throw new Error('no request expected');
  },
};
const settings = { samplingThreshold: 4000, sampleSize: 1000 };

describe('FunctionsSourceError', () => {
  it('is a GridProofError with a typed code, and its message (what the DON reports) starts with the code', async () => {
    const run = runFunctionsRequest(
      { args: ['1767225600', '300', 'not a url', `0x${'11'.repeat(20)}`, 'commit'], secrets: { rpcUrl: 'http://127.0.0.1:1' } },
      noNetwork,
      settings,
    );
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FunctionsSourceError);
    expect(err).toBeInstanceOf(GridProofError);
    expect(err).toMatchObject({ name: 'FunctionsSourceError', code: 'BAD_ARGS' });
    expect((err as Error).message).toBe('BAD_ARGS: apiUrl not a url is not an http(s) URL');
  });

  it('a request without its phase (args[4], "commit" or "record") is refused BAD_ARGS', async () => {
    for (const args of [
      ['1767225600', '300', 'http://127.0.0.1:1', `0x${'11'.repeat(20)}`],
      ['1767225600', '300', 'http://127.0.0.1:1', `0x${'11'.repeat(20)}`, 'draw'],
    ]) {
      const err = await runFunctionsRequest({ args, secrets: { rpcUrl: 'http://127.0.0.1:1' } }, noNetwork, settings).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'BAD_ARGS' });
    }
  });

  it('getCommitment selector is the ABI one', () => {
    expect(GET_COMMITMENT_SELECTOR).toBe(toFunctionSelector('getCommitment(uint64)'));
  });

  it('clips its message to the 256 bytes of a Functions error response, never in half a character', () => {
    const err = new FunctionsSourceError('DOCUMENT_UNAVAILABLE', 'é'.repeat(300));
    const bytes = new TextEncoder().encode(err.message).length;
    expect(bytes).toBeLessThanOrEqual(256);
    expect(bytes).toBeGreaterThan(250);
    expect(err.message.endsWith('...')).toBe(true);
    expect(err.message).not.toContain('\uFFFD');
    expect(err.shortMessage).toBe(err.message);
  });
});
