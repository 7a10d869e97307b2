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

/**
 * A feature value as an analyst reads it: grouped digits, no trailing zeros, and fewer decimals
 * the larger the number (13,469 rather than 13,469.03; 29.2; 0.041) unless `maxFractionDigits` is given.
 */
export function formatValue(value: number | null | undefined, maxFractionDigits?: number): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  const magnitude = Math.abs(value);
  const digits = maxFractionDigits ?? (magnitude >= 1000 ? 0 : magnitude >= 10 ? 1 : 3);
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: digits }).format(value);
}

/** A signed change (e.g. a contribution): "+0.0312", "−0.0040" with a true minus sign. */
export function formatSigned(value: number, fractionDigits = 4): string {
  const text = Math.abs(value).toFixed(fractionDigits);
  if (Number(text) === 0) return text;
  return `${value < 0 ? "−" : "+"}${text}`;
}

/** A standard error beside a value: four decimals, or "< 0.0001" rather than a misleading 0.0000. */
export function formatStandardError(value: number): string {
  return value > 0 && value < 0.00005 ? "< 0.0001" : value.toFixed(4);
}

const MINUS = "\u2212";
const NO_BREAK_SPACE = "\u00a0";
const compactUsd = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  notation: "compact",
  minimumFractionDigits: 0,
  maximumFractionDigits: 1,
  signDisplay: "negative",
});
const wholeUsd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0, signDisplay: "negative" });
const centsUsd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, signDisplay: "negative" });

/**
 * Money for headlines and tables, short and unbreakable (Intl compact notation): "−$704.7 M",
 * "$1.2 K", "$292", "$4.25". A true minus sign; a no-break space before the K / M / B / T; still put
 * the figure in a `white-space: nowrap` element, since a line may break between "−" and "$".
 */
export function formatUsdCompact(value: number | null | undefined): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  const magnitude = Math.abs(value);
  const format = magnitude >= 1000 ? compactUsd : magnitude >= 10 ? wholeUsd : centsUsd;
  return format
    .formatToParts(value)
    .map((part) => (part.type === "minusSign" ? MINUS : part.type === "compact" ? `${NO_BREAK_SPACE}${part.value}` : part.value))
    .join("");
}
