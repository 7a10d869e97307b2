"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/app/_server/action";
import { recordKpiValues } from "@/app/_server/kpis";
import { listModelRefs } from "@/db/queries/kpis";
import { DomainError } from "@/lib/errors";
import { describeKpiCsvError, MAX_KPI_CSV_BYTES, parseKpiCsv, type TKpiCsvRow } from "@/lib/kpis/input";

const uploadKpiCsv = defineAction({
  name: "kpis.upload_csv",
  permission: "kpis.write",
  input: z.object({
    fileName: z.string().max(255).optional(),
    csv: z
      .string()
      .min(1, "choose a CSV file")
      .max(MAX_KPI_CSV_BYTES, `the file is larger than ${Math.round(MAX_KPI_CSV_BYTES / 1024)} KB; split it or send it through the API`),
  }),
  handler: async ({ user, input, db }) => {
    const models = await listModelRefs(db);
    const parsed = parseKpiCsv(input.csv, { knownModels: new Set(models.map((model) => model.slug)) });
    if (!parsed.ok) {
      const count = parsed.errors.length;
      throw new DomainError("invalid_kpi_csv", `The file has ${count} problem${count === 1 ? "" : "s"}; nothing was stored.`, 422, {
        csv: parsed.errors.map(describeKpiCsvError),
      });
    }
    const byModel = new Map<string, TKpiCsvRow[]>();
    for (const row of parsed.rows) {
      const rows = byModel.get(row.model) ?? [];
      rows.push(row);
      byModel.set(row.model, rows);
    }
    const results = await recordKpiValues(db, {
      actor: { id: user.id, label: user.email },
      source: "csv",
      batches: models
        .filter((model) => byModel.has(model.slug))
        .map((model) => ({
          model,
          values: byModel.get(model.slug)!.map(({ date, metric, value, unit }) => ({ date, metric, value, unit })),
        })),
    });
    revalidatePath("/kpis");
    return { fileName: input.fileName ?? null, results };
  },
});

/** Stores the KPI values of a CSV (model,date,metric,value,unit), all rows or none. */
export async function uploadKpiCsvAction(input: { csv: string; fileName?: string }) {
  return uploadKpiCsv(input);
}
