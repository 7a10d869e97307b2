import { and, asc, desc, eq, inArray, or, sql } from "drizzle-orm";
import { textProblem } from "@/lib/validation/edge";
import type { TDb } from "../connection";
import { artifacts, deployments, gateResults, modelVersions, models, users, validationRuns } from "../schema";

/** Stores an artifact once by content hash; a second registration of the same bytes reuses it. */
export async function insertArtifactIfAbsent(
  db: TDb,
  artifact: { sha256: string; content: Buffer; signature: Record<string, unknown>; originalSha256?: string | null },
) {
  await db
    .insert(artifacts)
    .values({
      sha256: artifact.sha256,
      content: artifact.content,
      sizeBytes: artifact.content.byteLength,
      signature: artifact.signature,
      originalSha256: artifact.originalSha256 ?? null,
    })
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

/**
 * A version (of any model) already registered with one of these artifact hashes, to refuse registering the same file
 * twice: each is compared with both the stored artifact's sha256 and, for a rewritten one, the sha256 of the file as uploaded.
 */
export async function findVersionByArtifact(db: TDb, sha256s: string[]): Promise<{ modelSlug: string; version: string } | null> {
  const [row] = await db
    .select({ modelSlug: models.slug, version: modelVersions.version })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .innerJoin(artifacts, eq(artifacts.sha256, modelVersions.artifactSha256))
    .where(or(inArray(artifacts.sha256, sha256s), inArray(artifacts.originalSha256, sha256s)))
    // The version that registered the file first, so the message names the same one every time.
    .orderBy(asc(modelVersions.createdAt), asc(modelVersions.id))
    .limit(1);
  return row ?? null;
}

/** The id of the user with this email (compared as stored: trimmed, lower case), or null. */
export async function findUserIdByEmail(db: TDb, email: string): Promise<string | null> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  return row?.id ?? null;
}

/**
 * A version's status with the gates of its latest validation run, as `versions show --json` and
 * `versions register --wait` print them; null when the model has no such version. A gate's status
 * is the one recorded (passed, failed, error, not_applicable, not_run), else passed / failed.
 */
export async function getVersionGates(db: TDb, slug: string, version: string) {
  const [row] = await db
    .select({ id: modelVersions.id, version: modelVersions.version, status: modelVersions.status, modelId: models.id })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(models.slug, slug), eq(modelVersions.version, version)))
    .limit(1);
  if (!row) return null;
  const [run] = await db
    .select({ id: validationRuns.id, status: validationRuns.status })
    .from(validationRuns)
    .where(eq(validationRuns.modelVersionId, row.id))
    .orderBy(desc(validationRuns.startedAt))
    .limit(1);
  const gates = run
    ? await db.select().from(gateResults).where(eq(gateResults.validationRunId, run.id)).orderBy(asc(gateResults.createdAt))
    : [];
  return {
    version: row.version,
    status: row.status,
    validationRun: run ? { status: run.status } : null,
    gates: gates.map((gate) => ({
      name: gate.gate,
      status: typeof gate.evidence.gateStatus === "string" ? gate.evidence.gateStatus : gate.passed ? "passed" : "failed",
      value: gate.value,
      threshold: gate.threshold,
      reason: gate.reason,
    })),
  };
}
