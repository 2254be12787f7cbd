/**
 * A FIFO async mutex. Ingest and sealing run under one, so the decision "this window is
 * closed" and "this reading lands in that window" can never interleave.
 */
export interface Mutex {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task);
      // The next task waits for this one whether it succeeded or not.
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
