import { EventEmitter } from 'node:events';
import type { Reading } from '@gridproof/protocol';

/** What the gateway saw in one interval: for live views only, never a source of truth (the signed readings are). */
export interface IntervalAggregate {
  /** Unix seconds, aligned to `intervalSeconds`, by reading timestamp. */
  intervalStart: number;
  intervalSeconds: number;
  /** Readings the API accepted in this interval (duplicates are not counted twice). */
  readings: number;
  metersSeen: number;
  /** Mean over readings. */
  avgPowerW: number;
  avgVoltageMv: number;
  /** Sum over meters of each meter's mean power: the fleet's power behind this gateway. */
  totalPowerW: number;
  /** Meters that reported status OFF at least once (outage). */
  metersOff: number;
}

interface Bucket {
  readings: number;
  powerSum: number;
  voltageSum: number;
  perMeter: Map<string, { n: number; powerSum: number; off: boolean }>;
}

export interface AggregatorEvents {
  aggregate: [IntervalAggregate];
}

/**
 * Per-interval aggregation of accepted readings; emits `aggregate` with the updated interval on every change.
 * @example const agg = new Aggregator(60); agg.on('aggregate', (a) => console.log(a.avgPowerW))
 */
export class Aggregator extends EventEmitter<AggregatorEvents> {
  private readonly buckets = new Map<number, Bucket>();
  constructor(
    readonly intervalSeconds = 60,
    /** Intervals kept in memory. */
    readonly keep = 120,
  ) {
    super();
  }

  add(readings: readonly Reading[]): void {
    const touched = new Set<number>();
    for (const r of readings) {
      const start = r.timestamp - (r.timestamp % this.intervalSeconds);
      let b = this.buckets.get(start);
      if (!b) {
        b = { readings: 0, powerSum: 0, voltageSum: 0, perMeter: new Map() };
        this.buckets.set(start, b);
      }
      b.readings += 1;
      b.powerSum += r.powerW;
      b.voltageSum += r.voltageMv;
      const m = b.perMeter.get(r.deviceId) ?? { n: 0, powerSum: 0, off: false };
      m.n += 1;
      m.powerSum += r.powerW;
      m.off ||= r.status === 'OFF';
      b.perMeter.set(r.deviceId, m);
      touched.add(start);
    }
    if (this.buckets.size > this.keep) {
      for (const start of [...this.buckets.keys()].sort((a, b) => a - b).slice(0, this.buckets.size - this.keep)) this.buckets.delete(start);
    }
    for (const start of [...touched].sort((a, b) => a - b)) {
      if (this.buckets.has(start)) this.emit('aggregate', this.summary(start, this.buckets.get(start)!));
    }
  }

  /** Newest first. */
  list(limit = 60): IntervalAggregate[] {
    return [...this.buckets.keys()]
      .sort((a, b) => b - a)
      .slice(0, limit)
      .map((start) => this.summary(start, this.buckets.get(start)!));
  }

  private summary(intervalStart: number, b: Bucket): IntervalAggregate {
    let totalPowerW = 0;
    let metersOff = 0;
    for (const m of b.perMeter.values()) {
      totalPowerW += m.powerSum / m.n;
      if (m.off) metersOff += 1;
    }
    return {
      intervalStart,
      intervalSeconds: this.intervalSeconds,
      readings: b.readings,
      metersSeen: b.perMeter.size,
      avgPowerW: b.powerSum / b.readings,
      avgVoltageMv: b.voltageSum / b.readings,
      totalPowerW,
      metersOff,
    };
  }
}
