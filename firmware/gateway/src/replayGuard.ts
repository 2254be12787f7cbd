/**
 * Remembers handshake nonces until their timestamp could no longer pass the clock check, so a
 * captured hello cannot be replayed inside its ±skew window. Entries expire in insertion order
 * (same lifetime for all), so pruning stops at the first live one.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  constructor(
    /** Seconds an entry lives: 2 × the allowed clock skew covers every timestamp that could still pass. */
    readonly ttlSeconds: number,
    readonly maxEntries = 100_000,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** 'fresh' and remembered; 'replayed' if seen and not expired; 'full' when the cache cannot take more. */
  add(key: string, now: number): 'fresh' | 'replayed' | 'full' {
    for (const [k, expiresAt] of this.seen) {
      if (expiresAt > now) break;
      this.seen.delete(k);
    }
    if (this.seen.has(key)) return 'replayed';
    if (this.seen.size >= this.maxEntries) return 'full';
    this.seen.set(key, now + this.ttlSeconds);
    return 'fresh';
  }
}

/**
 * Anti-replay sliding window over frame sequence numbers (RFC 4303 §3.4.3 style): accepts each
 * seq once, tolerates reordering within `size`, refuses anything older.
 */
export class SeqWindow {
  private highest = 0;
  /** Bit i set = seq (highest - i) was accepted. */
  private bitmap = 0n;
  constructor(readonly size = 64) {}

  /** 'ok' if `seq` may be accepted; does not record it (call `accept` after the frame authenticated). */
  check(seq: number): 'ok' | 'replayed' | 'too-old' {
    if (seq > this.highest) return 'ok';
    const offset = this.highest - seq;
    if (offset >= this.size) return 'too-old';
    return (this.bitmap >> BigInt(offset)) & 1n ? 'replayed' : 'ok';
  }

  accept(seq: number): void {
    const mask = (1n << BigInt(this.size)) - 1n;
    if (seq > this.highest) {
      const shift = seq - this.highest;
      this.bitmap = shift >= this.size ? 1n : ((this.bitmap << BigInt(shift)) | 1n) & mask;
      this.highest = seq;
    } else {
      this.bitmap |= 1n << BigInt(this.highest - seq);
    }
  }
}
