import { and, inArray, ne, sql } from "drizzle-orm";
import { classifyModelHealth } from "@/lib/kpis/health";
import type { TDb } from "../connection";
import { incidents, models } from "../schema";

/** Throws when the database cannot answer a trivial query (readiness probes). */
export async function pingDatabase(db: TDb): Promise<void> {
  await db.execute(sql`select 1`);
}

export type TModelHealthRow = { modelId: string } & ReturnType<typeof classifyModelHealth>;

/**
 * Every model's health (healthy / warning / failing) from its unresolved incidents, with the
 * incidents as reasons (link them with incidentHref from lib/kpis/health.ts); of the given models
 * only, when ids are given. The portfolio (listPortfolioModels) classifies with the same function.
 */
export async function listModelHealth(db: TDb, modelIds?: readonly string[]): Promise<TModelHealthRow[]> {
  if (modelIds && modelIds.length === 0) return [];
  const [modelRows, open] = await Promise.all([
    db
      .select({ id: models.id })
      .from(models)
      .where(modelIds ? inArray(models.id, [...modelIds]) : undefined),
    db
      .select({ modelId: incidents.modelId, id: incidents.id, title: incidents.title, severity: incidents.severity })
      .from(incidents)
      .where(and(ne(incidents.status, "resolved"), modelIds ? inArray(incidents.modelId, [...modelIds]) : undefined))
      .orderBy(incidents.openedAt),
  ]);
  return modelRows.map(({ id }) => ({
    modelId: id,
    ...classifyModelHealth({
      openIncidents: open.filter((incident) => incident.modelId === id).map(({ modelId: _modelId, ...incident }) => incident),
    }),
  }));
}
