import Papa from "papaparse";
import { z } from "zod";
import { ApiError, authenticateApi, handleApi, parseQuery } from "@/app/_server/api";
import { getDb } from "@/db/client";
import { listLabelledPredictions } from "@/db/queries/outcomes";
import { findVersionId } from "@/db/queries/versions";

const MAX_ROWS = 1_000_000;
const ZQuery = z.object({
  version: z.string().max(40).optional(),
  from: z.iso.date({ error: "from is a date like 2026-11-01" }).optional(),
  to: z.iso.date({ error: "to is a date like 2026-11-30" }).optional(),
});

/** Labelled predictions of a model (optionally one version and a period) as CSV: features by name, the model's answer, the true label and where it came from. */
export async function GET(request: Request, context: { params: Promise<{ name: string }> }) {
  return handleApi("labelled.export", async () => {
    const { model } = await authenticateApi(request, { permission: "data.export_labelled", model: (await context.params).name });
    const query = parseQuery(request, ZQuery);
    const db = getDb();
    const slug = model.slug;
    let versionId: string | undefined;
    if (query.version) {
      const id = await findVersionId(db, { modelId: model.id, version: query.version });
      if (!id) throw new ApiError(404, "unknown_version", `No version ${query.version} of '${slug}'.`);
      versionId = id;
    }
    const to = query.to ? new Date(new Date(`${query.to}T00:00:00Z`).getTime() + 86_400_000) : undefined;
    const rows = await listLabelledPredictions(db, {
      modelId: model.id,
      versionId,
      from: query.from ? new Date(`${query.from}T00:00:00Z`) : undefined,
      to,
      limit: MAX_ROWS,
    });
    const records = rows.map((row) => {
      const names = (row.input_schema?.features ?? []).filter((feature) => feature.modelInput !== false).map((feature) => feature.name);
      const features = Object.fromEntries(row.features.map((value, index) => [names[index] ?? `feature_${index}`, value]));
      return {
        prediction_id: row.prediction_id,
        created_at: new Date(row.created_at).toISOString(),
        model_version: row.version ?? "fallback",
        role: row.role,
        ...features,
        ...row.attributes,
        probability: row.probability,
        model_label: row.model_label,
        true_label: row.true_label,
        label_value: row.label_value,
        label_source: row.source,
      };
    });
    // An empty selection still gets the header, so a pipeline reading it sees the columns.
    const csv = records.length
      ? Papa.unparse(records)
      : "prediction_id,created_at,model_version,role,probability,model_label,true_label,label_value,label_source\n";
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${slug}${query.version ? `-${query.version}` : ""}-labelled.csv"`,
      },
    });
  });
}
