import { eq, sql } from "drizzle-orm";
import { textProblem } from "@/lib/validation/edge";
import type { TDb } from "../connection";
import { artifacts, deployments, modelVersions, models, users } from "../schema";

/** Stores an artifact once by content hash; a second registration of the same bytes reuses it. */
export async function insertArtifactIfAbsent(db: TDb, artifact: { sha256: string; content: Buffer; signature: Record<string, unknown> }) {
  await db
    .insert(artifacts)
    .values({ sha256: artifact.sha256, content: artifact.content, sizeBytes: artifact.content.byteLength, signature: artifact.signature })
    .onConflictDoNothing({ target: artifacts.sha256 });
}

export async function insertModel(db: TDb, values: typeof models.$inferInsert) {
  const [row] = await db.insert(models).values(values).returning();
  return row;
}

export async function insertModelVersion(db: TDb, values: typeof modelVersions.$inferInsert) {
  const [row] = await db.insert(modelVersions).values(values).returning();
  return row;
}

export async function getModelBySlug(db: TDb, slug: string) {
  // A name from a URL may hold what PostgreSQL text cannot (`%00`): no model has such a name.
  if (textProblem(slug)) return null;
  const [row] = await db.select().from(models).where(eq(models.slug, slug)).limit(1);
  return row ?? null;
}

/** Creates the deployment row of a model (one per model). */
export async function insertDeployment(db: TDb, values: typeof deployments.$inferInsert) {
  const [row] = await db.insert(deployments).values(values).returning();
  return row;
}

export async function updateModelRow(db: TDb, id: string, changes: Partial<typeof models.$inferInsert>) {
  await db
    .update(models)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(models.id, id));
}

/** Every version string of a model, in no order (the caller compares them as semver). */
export async function listVersionStrings(db: TDb, modelId: string): Promise<string[]> {
  const rows = await db.select({ version: modelVersions.version }).from(modelVersions).where(eq(modelVersions.modelId, modelId));
  return rows.map((row) => row.version);
}

/** A version (of any model) already registered with this artifact, to refuse registering the same file twice. */
export async function findVersionByArtifact(db: TDb, sha256: string): Promise<{ modelSlug: string; version: string } | null> {
  const [row] = await db
    .select({ modelSlug: models.slug, version: modelVersions.version })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(modelVersions.artifactSha256, sha256))
    .limit(1);
  return row ?? null;
}

/** The id of the user with this email (compared as stored: trimmed, lower case), or null. */
export async function findUserIdByEmail(db: TDb, email: string): Promise<string | null> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  return row?.id ?? null;
}
