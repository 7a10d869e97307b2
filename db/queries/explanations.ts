import { eq, sql } from "drizzle-orm";
import type { TDb } from "../connection";
import { modelVersions } from "../schema";

export type TExplainableVersion = {
  id: string;
  artifactSha256: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  /** The reference profile's columns (model inputs and context), null when registered without reference data. */
  referenceColumns: Record<string, Array<number | string>> | null;
};

/** What explaining a prediction of a version needs, apart from the ONNX bytes (see getArtifactContent). */
export async function getExplainableVersion(db: TDb, versionId: string): Promise<TExplainableVersion | null> {
  const [row] = await db
    .select({
      id: modelVersions.id,
      artifactSha256: modelVersions.artifactSha256,
      inputSchema: modelVersions.inputSchema,
      outputSchema: modelVersions.outputSchema,
      referenceColumns: sql<Record<string, Array<number | string>> | null>`${modelVersions.referenceProfile}->'columns'`,
    })
    .from(modelVersions)
    .where(eq(modelVersions.id, versionId))
    .limit(1);
  return row ?? null;
}
