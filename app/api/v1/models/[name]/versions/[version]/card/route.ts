import { ApiError, authenticateApi, handleApi } from "@/app/_server/api";
import { getDb } from "@/db/client";
import { getCardSource } from "@/db/queries/cards";
import { assembleModelCard, computeCardCompleteness, renderModelCardMarkdown } from "@/lib/model-card";

/** The version's model card as Model Card Toolkit JSON (default) or Markdown (?format=md). */
export async function GET(request: Request, context: { params: Promise<{ name: string; version: string }> }) {
  return handleApi("card.export", async () => {
    const { name, version } = await context.params;
    await authenticateApi(request, { permission: "models.read", model: name });
    const format = new URL(request.url).searchParams.get("format") ?? "json";
    if (format !== "json" && format !== "md") throw new ApiError(400, "bad_format", "format must be json or md.");
    const source = await getCardSource(getDb(), name, version);
    if (!source) throw new ApiError(404, "unknown_version", `No version ${version} of '${name}'.`);
    const card = assembleModelCard(source);
    const completeness = computeCardCompleteness(card);
    const filename = `${name}-${version}-model-card.${format}`;
    if (format === "md") {
      return new Response(renderModelCardMarkdown(card, completeness), {
        headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": `attachment; filename="${filename}"` },
      });
    }
    return new Response(JSON.stringify({ ...card, completeness }, null, 2), {
      headers: { "content-type": "application/json", "content-disposition": `attachment; filename="${filename}"` },
    });
  });
}
