export type TModelHealth = "healthy" | "warning" | "failing";

/** An unresolved incident as health reads it: what it is and where to read it (the reason, one click away). */
export type THealthIncident = { id: string; title: string; severity: "info" | "warning" | "critical" };

const RANK = { critical: 2, warning: 1, info: 0 } as const;

/** Where an incident is read: its card on the alerts page. */
export function incidentHref(incident: Pick<THealthIncident, "id">): string {
  return `/alerts#incident-${incident.id}`;
}

/**
 * A model's health from its unresolved incidents (open or acknowledged): failing with a critical
 * one, warning with a warning one, healthy otherwise; info incidents change nothing. Incidents
 * group alerts that passed the supported, sustained rules, so a noisy hour does not turn a model
 * red (issue 13). The reasons are the incidents, worst first, each with its link.
 */
export function classifyModelHealth(input: { openIncidents: readonly THealthIncident[] }): {
  health: TModelHealth;
  reasons: string[];
  incidents: THealthIncident[];
} {
  const incidents = input.openIncidents
    .filter((incident) => incident.severity !== "info")
    .sort((a, b) => RANK[b.severity] - RANK[a.severity]);
  const health: TModelHealth =
    incidents[0]?.severity === "critical" ? "failing" : incidents[0]?.severity === "warning" ? "warning" : "healthy";
  return { health, reasons: incidents.map((incident) => `${incident.severity} incident: ${incident.title}`), incidents };
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
