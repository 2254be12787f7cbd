import { describe, expect, it } from 'vitest';
import { periodicTask } from './periodic.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('periodicTask', () => {
  it('never overlaps a run, reports a failure and runs again, and stop() waits for the run in flight', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const errors: unknown[] = [];
    let finished = false;
    const task = periodicTask(
      async () => {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(30); // longer than the interval: later ticks must be skipped, not queued
        active--;
        finished = true;
        if (runs === 1) throw new Error('first run fails');
      },
      (err) => errors.push(err),
    );
    task.start(5);
    task.start(5); // a second start is a no-op, not a second timer
    await sleep(100);
    finished = false;
    await task.stop();
    const runsAtStop = runs;
    expect(maxActive).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('first run fails');
    expect(active).toBe(0); // the run in flight, if any, had finished when stop() resolved
    if (runsAtStop > 0 && !finished) expect(active).toBe(0);
    await sleep(30);
    expect(runs).toBe(runsAtStop); // no tick after stop
  });
});
