import type { TMonitorStatus } from "@/lib/types/monitoring";

export type TModelHealth = "healthy" | "warning" | "failing";

/**
 * A model's health for the portfolio: failing with an open critical alert or a breached latest
 * daily drift verdict; warning with an open warning alert or a drift warning; healthy otherwise.
 * Info alerts and an "unknown" drift verdict (too little data) change nothing.
 */
export function classifyModelHealth(input: {
  openCriticalAlerts: number;
  openWarningAlerts: number;
  latestDriftStatus: TMonitorStatus | null;
}): { health: TModelHealth; reasons: string[] } {
  const failing: string[] = [];
  const warning: string[] = [];
  const plural = (count: number, word: string) => `${count} open ${word} alert${count === 1 ? "" : "s"}`;
  if (input.openCriticalAlerts > 0) failing.push(plural(input.openCriticalAlerts, "critical"));
  if (input.latestDriftStatus === "breach") failing.push("latest daily drift check breached");
  if (input.openWarningAlerts > 0) warning.push(plural(input.openWarningAlerts, "warning"));
  if (input.latestDriftStatus === "warning") warning.push("latest daily drift check warns");
  if (failing.length) return { health: "failing", reasons: [...failing, ...warning] };
  if (warning.length) return { health: "warning", reasons: warning };
  return { health: "healthy", reasons: [] };
}

/** Counts of models in production (a champion is deployed) by health. */
export function countByHealth(models: ReadonlyArray<{ inProduction: boolean; health: TModelHealth }>) {
  const production = models.filter((model) => model.inProduction);
  return {
    inProduction: production.length,
    healthy: production.filter((model) => model.health === "healthy").length,
    warning: production.filter((model) => model.health === "warning").length,
    failing: production.filter((model) => model.health === "failing").length,
  };
}
