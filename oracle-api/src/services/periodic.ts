/** A background task on a timer: `start` begins ticking, `stop` ends it and waits for the run in flight. */
export interface PeriodicTask {
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs`, never overlapping itself: a tick while the previous run is still
 * going is skipped rather than queued. A failed run goes to `onError`; the next tick runs again.
 * The timer does not keep the process alive.
 */
export function periodicTask(run: () => Promise<unknown>, onError: (err: unknown) => void): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  return {
    start(intervalMs) {
      if (timer) return;
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        running = run()
          .catch(onError)
          .finally(() => (busy = false));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
