/** `2026-01-01 00:00–00:05 UTC` for a window. */
export function formatPeriod(windowStart: number, windowSeconds: number): string {
  const start = new Date(windowStart * 1000).toISOString();
  const end = new Date((windowStart + windowSeconds) * 1000).toISOString();
  return `${start.slice(0, 10)} ${start.slice(11, 16)}–${end.slice(11, 16)} UTC`;
}

/** Wh as kWh with three decimals (1 Wh resolution), exact for any integer: a window total may pass 2^53−1. */
export function formatKwh(energyWh: number | bigint): string {
  const wh = BigInt(energyWh);
  const sign = wh < 0n ? '-' : '';
  const abs = wh < 0n ? -wh : wh;
  return `${sign}${abs / 1000n}.${(abs % 1000n).toString().padStart(3, '0')} kWh`;
}

export function formatTime(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(11, 19)} UTC`;
}

export function shortHex(hex: string, keep = 8): string {
  return hex.length > 2 + keep * 2 ? `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}` : hex;
}

/** `2026-01-01 00:05:00 UTC`. */
export function formatUtc(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
