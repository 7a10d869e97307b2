import type { ReactNode } from "react";

export type TBadgeTone = "neutral" | "ok" | "warn" | "bad" | "info";

export function Badge({ tone = "neutral", children }: { tone?: TBadgeTone; children: ReactNode }) {
  return <span className={tone === "neutral" ? "badge" : `badge ${tone}`}>{children}</span>;
}
