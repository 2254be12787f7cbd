import { parseWindowDocument, readingLeaf, fromHex, deviceSummaryOf, type DeviceSummary, type Hex } from '@gridproof/protocol';
import { WindowVerificationCode as Code, WindowVerificationError } from './errors.js';

/** A device's summary in the previous recorded window, with the leaf of its last reading (what the next baseline must be). */
export interface PreviousDeviceSummary extends DeviceSummary {
  /** readingLeaf of the device's last reading in that window (counter `lastCounter`). */
  lastReadingLeaf: Hex;
}

/**
 * The latest window recorded on chain before the one being verified, as the continuity check
 * needs it. The caller vouches for it: its summaries must be the ones under the recorded root
 * (build it with {@link previousWindowOf} from that window's document and compare `root` with the record).
 */
export interface PreviousWindow {
  windowStart: number;
  windowSeconds: number;
  /** The previous window's root, for the caller's comparison with the on-chain record. */
  root: Hex;
  devices: readonly PreviousDeviceSummary[];
}

/**
 * The previous window, read from its document bytes (strict parse; contents are not re-verified:
 * the DON verified them when it recorded that window, and the caller compares `root` with the record).
 * @example
 * const previous = previousWindowOf(previousBytes) // previous.root === record.root, else do not use it
 * verifyWindow({ documentBytes, expectedWindowStart, windowSeconds, deviceKeys, previous })
 */
export function previousWindowOf(documentBytes: Uint8Array): PreviousWindow {
  const doc = parseWindowDocument(documentBytes);
  return {
    windowStart: doc.windowStart,
    windowSeconds: doc.windowSeconds,
    root: doc.root,
    devices: doc.devices.map((batch) => {
      const last = batch.readings[batch.readings.length - 1];
      return { ...deviceSummaryOf(batch), lastReadingLeaf: readingLeaf(fromHex(last)) };
    }),
  };
}

/** Refuses `previous` unless it is a window strictly before `windowStart`. */
export function assertPreviousWindow(previous: PreviousWindow, windowStart: number): void {
  const { windowStart: start, windowSeconds } = previous;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(windowSeconds) || windowSeconds <= 0 || start + windowSeconds > windowStart) {
    throw new WindowVerificationError(
      Code.INVALID_ARGUMENTS,
      `Previous window ${start} (${windowSeconds} s) does not end at or before window ${windowStart}.`,
      { previousWindowStart: start, previousWindowSeconds: windowSeconds, windowStart },
    );
  }
}

/** The previous window's summaries by device id, built once per verification (a window may hold 10,000 devices). */
export function previousDevicesById(previous: PreviousWindow): ReadonlyMap<string, PreviousDeviceSummary> {
  return new Map(previous.devices.map((d) => [d.deviceId, d]));
}

/**
 * The continuity rule (protocol/README.md "Continuity") for one device batch against the
 * device's summary in the previous recorded window, if it holds the device:
 * S1.lastCounter < S2.firstCounter and S1.energyEndWh ≤ S2.energyStartWh; and when that window
 * ends where this one starts, S2.baselineLeaf = S1.lastReadingLeaf and S2.energyStartWh = S1.energyEndWh.
 */
export function checkContinuity(
  previous: PreviousWindow,
  /** The device's summary in `previous` (from {@link previousDevicesById}); undefined when it does not hold the device. */
  s1: PreviousDeviceSummary | undefined,
  windowStart: number,
  summary: DeviceSummary,
  at: string,
): void {
  if (!s1) return;
  const { deviceId } = summary;
  const w1 = `window ${previous.windowStart}`;
  const fail = (field: string, why: string, extra: Record<string, unknown>) => {
    throw new WindowVerificationError(Code.CONTINUITY_BROKEN, `Device ${deviceId} at ${at} ${why}`, {
      deviceId,
      position: `${at}.${field}`,
      field,
      previousWindowStart: previous.windowStart,
      ...extra,
    });
  };
  if (!(s1.lastCounter < summary.firstCounter)) {
    fail('firstCounter', `starts at counter ${summary.firstCounter}, not after counter ${s1.lastCounter}, its last in ${w1}.`, {
      firstCounter: summary.firstCounter,
      previousLastCounter: s1.lastCounter,
    });
  }
  if (!(s1.energyEndWh <= summary.energyStartWh)) {
    fail('energyStartWh', `starts at ${summary.energyStartWh} Wh, below the ${s1.energyEndWh} Wh it ended ${w1} at (energy counted twice).`, {
      energyStartWh: summary.energyStartWh,
      previousEnergyEndWh: s1.energyEndWh,
    });
  }
  if (previous.windowStart + previous.windowSeconds !== windowStart) return;
  if (summary.baselineLeaf !== s1.lastReadingLeaf) {
    fail(
      'baselineLeaf',
      `has baseline leaf ${summary.baselineLeaf}, not the leaf ${s1.lastReadingLeaf} of its last reading (#${s1.lastCounter}) in ${w1}, the window right before.`,
      {
        baselineLeaf: summary.baselineLeaf,
        expectedBaselineLeaf: s1.lastReadingLeaf,
      },
    );
  }
  if (summary.energyStartWh !== s1.energyEndWh) {
    fail('energyStartWh', `starts at ${summary.energyStartWh} Wh, not the ${s1.energyEndWh} Wh it ended ${w1} at, the window right before.`, {
      energyStartWh: summary.energyStartWh,
      previousEnergyEndWh: s1.energyEndWh,
    });
  }
}
