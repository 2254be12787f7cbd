/**
 * A component that polls: `start` runs `tick` every interval, never two at once (a slow tick
 * skips the next beat instead of piling up), and a failed tick is logged, not fatal.
 */
export abstract class TickLoop<T> {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  protected abstract log(line: string): void;
  abstract tick(): Promise<T>;

  start(tickSeconds = 2): void {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.tick()
        .catch((err) => this.log(`tick failed: ${(err as Error).message}`))
        .finally(() => (this.busy = false));
    }, tickSeconds * 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
