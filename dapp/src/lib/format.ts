/** `2026-01-01 00:00–00:05 UTC` for a window. */
export function formatPeriod(windowStart: number, windowSeconds: number): string {
  const start = new Date(windowStart * 1000).toISOString();
  const end = new Date((windowStart + windowSeconds) * 1000).toISOString();
  return `${start.slice(0, 10)} ${start.slice(11, 16)}–${end.slice(11, 16)} UTC`;
}

/** Wh as kWh with three decimals (1 Wh resolution). */
export function formatKwh(energyWh: number): string {
  return `${(energyWh / 1000).toFixed(3)} kWh`;
}

export function formatTime(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(11, 19)} UTC`;
}

export function shortHex(hex: string, keep = 8): string {
  return hex.length > 2 + keep * 2 ? `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}` : hex;
}
