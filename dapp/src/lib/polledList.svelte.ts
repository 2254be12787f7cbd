import type { Page } from '@gridproof/chain';
import { getApp, type App } from './app.js';
import { describeError } from './errors.js';

/** Rows per page of every dApp list. */
export const LIST_LIMIT = 50;
/** Lists re-read the chain this often (the indexer fetches only new blocks: one eth_getLogs). */
export const POLL_MS = 4000;

/**
 * One page of a list read from the chain, re-read every {@link POLL_MS} while the component lives;
 * setting `offset` moves to another page. Construct it during component initialisation.
 */
export class PolledList<T> {
  offset = $state(0);
  page = $state.raw<Page<T> | null>(null);
  /** The last read's failure, in one sentence (describeError), or null. */
  error = $state<string | null>(null);

  constructor(
    read: (app: App, query: { offset: number; limit: number }) => Promise<Page<T>>,
    readonly limit = LIST_LIMIT,
  ) {
    $effect(() => {
      const at = this.offset;
      let stopped = false;
      const load = () =>
        getApp()
          .then((app) => read(app, { offset: at, limit }))
          .then((p) => {
            if (stopped) return;
            this.page = p;
            this.error = null;
          })
          .catch((e) => {
            if (!stopped) this.error = describeError(e);
          });
      void load();
      const timer = setInterval(load, POLL_MS);
      return () => {
        stopped = true;
        clearInterval(timer);
      };
    });
  }
}
