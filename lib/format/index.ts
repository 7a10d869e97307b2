/** Display formatting shared by pages and components (pure). */

export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatNumber(value: unknown, fractionDigits = 3): string {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(fractionDigits) : "—";
}

export function formatPercent(value: number | null | undefined, fractionDigits = 1): string {
  return typeof value === "number" && Number.isFinite(value) ? `${(value * 100).toFixed(fractionDigits)} %` : "—";
}

export function formatCount(value: number): string {
  return new Intl.NumberFormat("en-US").format(value);
}
