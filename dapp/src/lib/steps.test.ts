import { describe, expect, it } from 'vitest';
import { runSteps, type ProgressStep } from './steps.js';
import { WalletUnavailableError } from './errors.js';

describe('runSteps', () => {
  it('reports each step pending then confirmed with its detail, in order', async () => {
    const seen: string[] = [];
    const record = (lines: ProgressStep[]) => seen.push(lines.map((l) => `${l.id}:${l.status}`).join(' '));
    const result = await runSteps(
      [
        { id: 'a', label: 'A', run: async () => 'cid-1' },
        {
          id: 'b',
          label: 'B',
          run: async (progress) => {
            progress('sent 0xabc');
            return undefined;
          },
        },
      ],
      record,
    );
    expect(result.ok).toBe(true);
    expect(result.lines).toEqual([
      { id: 'a', label: 'A', status: 'confirmed', detail: 'cid-1' },
      { id: 'b', label: 'B', status: 'confirmed', detail: 'sent 0xabc' },
    ]);
    expect(seen).toEqual([
      'a:waiting b:waiting',
      'a:pending b:waiting',
      'a:confirmed b:waiting',
      'a:confirmed b:pending',
      'a:confirmed b:pending',
      'a:confirmed b:confirmed',
    ]);
  });

  it('a failing step says why in one sentence and skips the rest; never throws', async () => {
    let ran = false;
    const result = await runSteps(
      [
        { id: 'sign-in', label: 'Sign in', run: async () => Promise.reject(new WalletUnavailableError('Connect your wallet first.')) },
        {
          id: 'pin',
          label: 'Pin',
          run: async () => {
            ran = true;
            return undefined;
          },
        },
      ],
      () => {},
    );
    expect(result.ok).toBe(false);
    expect(result.error).toBeInstanceOf(WalletUnavailableError);
    expect(ran).toBe(false);
    expect(result.lines.map((l) => [l.id, l.status, l.detail])).toEqual([
      ['sign-in', 'failed', 'Connect your wallet first.'],
      ['pin', 'skipped', undefined],
    ]);
  });
});
