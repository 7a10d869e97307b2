import "server-only";
import { z } from "zod";
import type { TDb } from "@/db/connection";
import { listModels } from "@/db/queries/models";
import { getTransparencyReport } from "@/db/queries/transparency";

const ZQuery = z.object({
  model: z.string().max(64).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

/** Parses the report's query (defaults: the first model, the last 30 days) and builds the report; null for an unknown model. */
export async function loadTransparencyReport(db: TDb, raw: Record<string, string | undefined>) {
  const query = ZQuery.safeParse(raw);
  const params = query.success ? query.data : {};
  const models = await listModels(db);
  const model = models.find((candidate) => candidate.slug === params.model) ?? (params.model ? undefined : models[0]);
  const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
  const to = params.to ? new Date(new Date(`${params.to}T00:00:00Z`).getTime() + 86_400_000) : new Date(today.getTime() + 86_400_000);
  const from = params.from ? new Date(`${params.from}T00:00:00Z`) : new Date(to.getTime() - 30 * 86_400_000);
  if (!model) return { models, report: null, invalid: !query.success };
  return {
    models,
    report: await getTransparencyReport(db, { modelId: model.id, modelSlug: model.slug, from, to }),
    invalid: !query.success,
  };
}
