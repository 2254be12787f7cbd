import {
  decodeSignedReading,
  equalBytes,
  fromHex,
  ProtocolError,
  REVOCATION_REASON_NAMES,
  SIGNED_READING_LENGTH,
  windowStartOf,
  type RevocationReason,
  type SignedReading,
} from '@gridproof/protocol';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { readings, windows, type NewReadingRow } from '../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { isValidReadingOf, type DeviceEntry } from '../devices/deviceDirectory.js';
import { ApiError } from '../lib/errors.js';

export interface IngestedReading {
  deviceId: string;
  counter: number;
  windowStart: number;
  /** True when this exact signed reading was already stored (idempotent retry). */
  duplicate: boolean;
}

export interface IngestReadingsReturnType {
  accepted: number;
  duplicates: number;
  /** In the order they were posted. */
  readings: IngestedReading[];
}

interface Candidate {
  index: number;
  signed: SignedReading;
  windowStart: number;
}

/**
 * Verifies and stores a batch of signed readings, all or nothing. Stateless checks (layout,
 * device key, signature) run first and outside the lock, since signature checks are the
 * expensive part; the checks that depend on stored state (replay, closed window, time order)
 * and the insert run under the ingest/seal lock in one transaction.
 * @example await ingestReadings(ctx, ['0x01534f4c52…'])
 */
export async function ingestReadings(ctx: ServiceContext, inputs: readonly (string | Uint8Array)[]): Promise<IngestReadingsReturnType> {
  const { windowSeconds } = ctx.rules;
  const candidates = inputs.map((input, index): Candidate => {
    const signed = decodeCandidate(input, index);
    return { index, signed, windowStart: windowStartOf(signed.reading.timestamp, windowSeconds) };
  });
  const keys = await lookUpDevices(ctx, candidates);
  await verifyCandidates(ctx, candidates, keys);

  let committed: NewReadingRow[] = [];
  const result = await ctx.lock.run(() =>
    ctx.db.transaction(async (tx) => {
      const now = ctx.clock.now();
      const deviceIds = [...keys.keys()];
      // Highest accepted counter (and its timestamp) per device: replays and time order are judged against it.
      // One primary-key probe per device (LATERAL … LIMIT 1), not a scan of each device's history.
      const headRows = await tx.execute(sql`
        select d.id as device_id, h.counter, h.timestamp, h.energy_wh
        from json_array_elements_text(${JSON.stringify(deviceIds)}::json) as d(id)
        cross join lateral (
          select ${readings.counter} as counter, ${readings.timestamp} as timestamp, ${readings.energyWh} as energy_wh from ${readings}
          where ${readings.deviceId} = d.id order by ${readings.counter} desc limit 1
        ) h`);
      const heads = new Map(
        (headRows as unknown as { rows: { device_id: string; counter: string | number; timestamp: string | number; energy_wh: string | number }[] }).rows.map(
          (h) => [h.device_id, { counter: Number(h.counter), timestamp: Number(h.timestamp), energyWh: Number(h.energy_wh) }],
        ),
      );
      const old = candidates.filter((c) => {
        const head = heads.get(c.signed.reading.deviceId);
        return head !== undefined && c.signed.reading.counter <= head.counter;
      });
      const stored = new Map(
        old.length === 0
          ? []
          : (
              await tx
                .select({ deviceId: readings.deviceId, counter: readings.counter, signed: readings.signed })
                .from(readings)
                .where(or(...old.map((c) => and(eq(readings.deviceId, c.signed.reading.deviceId), eq(readings.counter, c.signed.reading.counter)))))
            ).map((r) => [`${r.deviceId}/${r.counter}`, r.signed]),
      );
      const windowStarts = [...new Set(candidates.map((c) => c.windowStart))];
      const sealed = new Set(
        (await tx.select({ windowStart: windows.windowStart }).from(windows).where(inArray(windows.windowStart, windowStarts))).map((w) => w.windowStart),
      );

      // Per device in counter order, so a batch's outcome does not depend on how it was ordered.
      const ordered = [...candidates].sort(
        (a, b) =>
          (a.signed.reading.deviceId < b.signed.reading.deviceId ? -1 : a.signed.reading.deviceId > b.signed.reading.deviceId ? 1 : 0) ||
          a.signed.reading.counter - b.signed.reading.counter ||
          a.index - b.index,
      );
      const duplicate = new Set<number>();
      const inBatch = new Map<string, Uint8Array>();
      const rows: NewReadingRow[] = [];
      for (const c of ordered) {
        const r = c.signed.reading;
        const key = `${r.deviceId}/${r.counter}`;
        const twin = inBatch.get(key) ?? stored.get(key);
        const head = heads.get(r.deviceId);
        if (twin !== undefined || (head !== undefined && r.counter <= head.counter)) {
          if (twin !== undefined && equalBytes(twin, c.signed.bytes)) {
            duplicate.add(c.index);
            continue;
          }
          throw new ApiError(
            409,
            'COUNTER_REPLAYED',
            `Device ${r.deviceId} already used counter ${r.counter} (highest accepted: ${head?.counter ?? r.counter}); counters must strictly increase.`,
            { index: c.index, deviceId: r.deviceId, counter: r.counter, highestCounter: head?.counter ?? r.counter },
          );
        }
        const windowEnd = c.windowStart + windowSeconds;
        if (r.timestamp > now + ctx.rules.maxClockSkewSeconds) {
          throw timestampError(c, `Reading timestamp ${r.timestamp} is ahead of the service clock (${now}) by more than ${ctx.rules.maxClockSkewSeconds} s.`, {
            reason: 'IN_FUTURE',
            now,
            maxClockSkewSeconds: ctx.rules.maxClockSkewSeconds,
          });
        }
        if (sealed.has(c.windowStart) || windowEnd + ctx.rules.sealGraceSeconds <= now) {
          throw timestampError(c, `Window ${c.windowStart} of reading timestamp ${r.timestamp} is closed (sealed at end + ${ctx.rules.sealGraceSeconds} s).`, {
            reason: 'WINDOW_CLOSED',
            now,
            windowStart: c.windowStart,
            windowEnd,
            sealed: sealed.has(c.windowStart),
          });
        }
        if (head !== undefined && r.timestamp < head.timestamp) {
          throw timestampError(
            c,
            `Reading timestamp ${r.timestamp} is before the device's previous reading (counter ${head.counter}, timestamp ${head.timestamp}).`,
            {
              reason: 'BEFORE_PREVIOUS_READING',
              previousCounter: head.counter,
              previousTimestamp: head.timestamp,
            },
          );
        }
        // The register is cumulative: a drop would give a window negative energy, which no report can carry.
        if (head !== undefined && r.energyWh < head.energyWh) {
          throw new ApiError(
            422,
            'ENERGY_DECREASED',
            `Device ${r.deviceId}'s energy register went down from ${head.energyWh} Wh (counter ${head.counter}) to ${r.energyWh} Wh.`,
            {
              index: c.index,
              deviceId: r.deviceId,
              counter: r.counter,
              energyWh: r.energyWh,
              previousCounter: head.counter,
              previousEnergyWh: head.energyWh,
            },
          );
        }
        heads.set(r.deviceId, { counter: r.counter, timestamp: r.timestamp, energyWh: r.energyWh });
        inBatch.set(key, c.signed.bytes);
        rows.push({
          deviceId: r.deviceId,
          counter: r.counter,
          timestamp: r.timestamp,
          windowStart: c.windowStart,
          powerW: r.powerW,
          energyWh: r.energyWh,
          voltageMv: r.voltageMv,
          status: r.status === 'ON' ? 1 : 0,
          signed: c.signed.bytes,
          receivedAt: now,
        });
      }
      // One insert per batch, its rows in a single JSON parameter: building a 5,000-parameter
      // statement cost more CPU than verifying the batch's signatures.
      if (rows.length > 0) await tx.execute(insertRowsSql(rows));
      committed = rows;
      return {
        accepted: rows.length,
        duplicates: duplicate.size,
        readings: candidates.map((c) => ({
          deviceId: c.signed.reading.deviceId,
          counter: c.signed.reading.counter,
          windowStart: c.windowStart,
          duplicate: duplicate.has(c.index),
        })),
      };
    }),
  );
  // After the commit: live subscribers only ever see stored readings.
  if (committed.length > 0) ctx.events.emit('readings', committed);
  return result;
}

function insertRowsSql(rows: NewReadingRow[]) {
  const json = JSON.stringify(
    rows.map((r) => [
      r.deviceId,
      r.counter,
      r.timestamp,
      r.windowStart,
      r.powerW,
      r.energyWh,
      r.voltageMv,
      r.status,
      Buffer.from(r.signed.buffer, r.signed.byteOffset, r.signed.byteLength).toString('hex'),
      r.receivedAt,
    ]),
  );
  return sql`insert into ${readings} (device_id, counter, timestamp, window_start, power_w, energy_wh, voltage_mv, status, signed, received_at)
    select r->>0, (r->>1)::bigint, (r->>2)::bigint, (r->>3)::bigint, (r->>4)::bigint, (r->>5)::bigint, (r->>6)::bigint, (r->>7)::smallint, decode(r->>8, 'hex'), (r->>9)::bigint
    from json_array_elements(${json}::json) as r`;
}

function decodeCandidate(input: string | Uint8Array, index: number): SignedReading {
  if (!(input instanceof Uint8Array) && (typeof input !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(input))) {
    throw new ApiError(400, 'MALFORMED_BODY', `readings[${index}] is not a 0x-prefixed hex string.`, { index });
  }
  const bytes = input instanceof Uint8Array ? input : fromHex(input);
  if (bytes.length !== SIGNED_READING_LENGTH) {
    throw new ApiError(
      400,
      'INVALID_READING',
      `readings[${index}] is ${bytes.length} bytes; a signed reading is ${SIGNED_READING_LENGTH} (43 reading + 64 signature).`,
      {
        index,
        length: bytes.length,
      },
    );
  }
  try {
    return decodeSignedReading(bytes);
  } catch (err) {
    if (err instanceof ProtocolError) {
      throw new ApiError(400, 'INVALID_READING', `readings[${index}]: ${err.shortMessage}`, { index, ...err.details }, err);
    }
    throw err;
  }
}

async function lookUpDevices(ctx: ServiceContext, candidates: Candidate[]): Promise<Map<string, DeviceEntry | undefined>> {
  const ids = [...new Set(candidates.map((c) => c.signed.reading.deviceId))];
  try {
    return new Map(await Promise.all(ids.map(async (id) => [id, await ctx.devices.get(id)] as const)));
  } catch (err) {
    ctx.logger.error('device directory lookup failed', { error: String(err) });
    throw new ApiError(503, 'DEVICE_DIRECTORY_UNAVAILABLE', 'The device registry cannot be read right now; retry later.', undefined, err);
  }
}

/** Checks every candidate's device and signature; throws the error of the first (lowest index) that fails, as a one-by-one loop would. */
async function verifyCandidates(ctx: ServiceContext, candidates: Candidate[], keys: Map<string, DeviceEntry | undefined>): Promise<void> {
  const countsFor = (c: Candidate) => {
    const device = keys.get(c.signed.reading.deviceId);
    return device !== undefined && isValidReadingOf(device, c.signed.reading.timestamp);
  };
  const usable = candidates.filter(countsFor);
  const outcomes = new Map(
    (
      await ctx.verifier.verifyMany(
        usable.map((c) => ({ readingBytes: c.signed.readingBytes, signature: c.signed.signature, key: keys.get(c.signed.reading.deviceId)! })),
      )
    ).map((o, i) => [usable[i], o] as const),
  );
  for (const c of candidates) {
    const { deviceId, counter, timestamp } = c.signed.reading;
    const device = keys.get(deviceId);
    if (!device) throw new ApiError(422, 'UNKNOWN_DEVICE', `Device ${deviceId} is not certified.`, { index: c.index, deviceId });
    if (!countsFor(c)) {
      const revokedAt = device.revokedAt ?? null;
      const reasonCode = device.revocationReason ?? null;
      const reason = reasonCode === null ? null : (REVOCATION_REASON_NAMES[reasonCode as RevocationReason] ?? null);
      throw new ApiError(
        422,
        'DEVICE_REVOKED',
        revokedAt === null
          ? `Device ${deviceId} has been revoked.`
          : `Device ${deviceId} was revoked at ${revokedAt}${reason ? ` (${reason})` : ''}; readings timestamped from then on (this one: ${timestamp}) do not count.`,
        { index: c.index, deviceId, counter, timestamp, revokedAt, reason, reasonCode },
      );
    }
    const outcome = outcomes.get(c);
    if (outcome instanceof ProtocolError) {
      throw new ApiError(400, 'INVALID_SIGNATURE_FORMAT', `readings[${c.index}]: ${outcome.shortMessage}`, { index: c.index, deviceId, counter }, outcome);
    }
    if (outcome !== true) {
      throw new ApiError(422, 'BAD_SIGNATURE', `readings[${c.index}]: the signature does not verify against device ${deviceId}'s registered key.`, {
        index: c.index,
        deviceId,
        counter,
      });
    }
  }
}

function timestampError(c: Candidate, message: string, details: Record<string, unknown>): ApiError {
  const { deviceId, counter, timestamp } = c.signed.reading;
  return new ApiError(422, 'TIMESTAMP_OUT_OF_RANGE', message, { index: c.index, deviceId, counter, timestamp, ...details });
}
