import Papa from "papaparse";
import { z } from "zod";
import { ApiError, authenticateApi, handleApi, parseQuery } from "@/app/_server/api";
import { logger } from "@/app/_server/logger";
import { getDb } from "@/db/client";
import { chooseLabelledWalk, listLabelledPredictions, type TLabelledCursor } from "@/db/queries/outcomes";
import { findVersionId } from "@/db/queries/versions";

const MAX_ROWS = 1_000_000;
// A small first page, so the first byte leaves at once; larger ones after it, fewer round trips.
const FIRST_PAGE = 100;
const PAGE = 2_000;
const HEADER_ONLY = "prediction_id,created_at,model_version,role,probability,model_label,true_label,label_value,label_source\n";
const ZQuery = z.object({
  version: z.string().max(40).optional(),
  from: z.iso.date({ error: "from is a date like 2026-11-01" }).optional(),
  to: z.iso.date({ error: "to is a date like 2026-11-30" }).optional(),
});

type TPage = Awaited<ReturnType<typeof listLabelledPredictions>>;

function toRecord(row: TPage["rows"][number]) {
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
}

/**
 * Labelled predictions of a model (optionally one version and a period) as CSV: features by name, the model's answer, the true
 * label and where it came from. Streamed page by page (a keyset cursor over the outcomes), oldest first, up to MAX_ROWS rows: the
 * first rows leave before the rest are read. The columns are the first row's, as one Papa.unparse of every row would write them.
 */
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
    const period = {
      from: query.from ? new Date(`${query.from}T00:00:00Z`) : undefined,
      to: query.to ? new Date(new Date(`${query.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
    };
    // Chosen once per export: which side of a version filter is fewer rows to walk.
    const walk = versionId ? await chooseLabelledWalk(db, { modelId: model.id, versionId, ...period }) : undefined;
    const selection = { modelId: model.id, versionId, walk, ...period };
    // The first page is read before the response starts, so a failing query is still an error response. The next one is
    // read only when the client has taken the last (a download stopped early leaves no large read running behind it).
    let page: TPage | null = await listLabelledPredictions(db, { ...selection, limit: FIRST_PAGE });
    let cursor: TLabelledCursor | null = null;
    let columns: string[] | null = null;
    let written = 0;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          for (;;) {
            page ??= cursor ? await listLabelledPredictions(db, { ...selection, after: cursor, limit: PAGE }) : null;
            if (!page) {
              if (columns === null) controller.enqueue(encoder.encode(HEADER_ONLY));
              controller.close();
              return;
            }
            const records = page.rows.slice(0, MAX_ROWS - written).map(toRecord);
            written += records.length;
            cursor = written < MAX_ROWS ? page.next : null;
            page = null;
            if (records.length > 0) {
              const first = columns === null;
              columns ??= Object.keys(records[0]);
              // Rows are separated by CRLF, as Papa.unparse writes them, with none after the last.
              const text = Papa.unparse(records, { columns, header: first });
              controller.enqueue(encoder.encode(first ? text : `\r\n${text}`));
              if (!cursor) controller.close();
              return;
            }
          }
        } catch (error) {
          logger.error({ route: "labelled.export", err: error }, "labelled export failed while streaming");
          controller.error(error);
        }
      },
    });
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${slug}${query.version ? `-${query.version}` : ""}-labelled.csv"`,
      },
    });
  });
}
