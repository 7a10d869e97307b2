import { ApiError, authenticateApi, handleApi } from "@/app/_server/api";
import { getDb } from "@/db/client";
import { getVersionGates } from "@/db/queries/registry";

/** A version's status and the gates of its latest validation run: `{version, status, gates: [{name, status, value, threshold, reason}]}`. */
export async function GET(request: Request, context: { params: Promise<{ name: string; version: string }> }) {
  return handleApi("versions.show", async () => {
    const { name, version } = await context.params;
    const { model } = await authenticateApi(request, { permission: "models.read", model: name });
    const shown = await getVersionGates(getDb(), model.slug, version);
    if (!shown) throw new ApiError(404, "unknown_version", `No version ${version} of '${model.slug}'.`);
    return Response.json(shown);
  });
}
