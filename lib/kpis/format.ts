const MINUS = "\u2212";
const isMoney = (unit: string) => ["usd", "$"].includes(unit.trim().toLowerCase());

/** Whole US dollars with a true minus sign: −$1,234. */
export function formatUsd(value: number): string {
  return `${value < 0 ? MINUS : ""}$${Math.round(Math.abs(value)).toLocaleString("en-US")}`;
}

/** A KPI value with its unit, as a reader expects it: $1,234 / 61.5 % / 3.25 kg. */
export function formatKpiValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return "—";
  if (isMoney(unit)) return Math.abs(value) >= 100 ? formatUsd(value) : `${value < 0 ? MINUS : ""}$${Math.abs(value).toFixed(2)}`;
  const number = `${value < 0 ? MINUS : ""}${Math.abs(value).toLocaleString("en-US", { maximumFractionDigits: unit.trim() === "%" ? 1 : 2 })}`;
  return unit.trim() ? `${number} ${unit.trim()}` : number;
}

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** A short axis tick: $12K, 61.5, 1.2M. The unit itself is in the axis label. */
export function formatKpiTick(value: number, unit: string): string {
  const text = compact.format(Math.abs(value));
  return `${value < 0 ? MINUS : ""}${isMoney(unit) ? "$" : ""}${text}`;
}

/** "2026-03-07" → "Mar 7", for date axes and tooltips (UTC days). */
export function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}
