import semver from "semver";
import { z } from "zod";
import { DomainError } from "../errors";
import { ZInputSchema, ZOutputSchema } from "./input-schema";

/** A release version MAJOR.MINOR.PATCH; pre-release and build suffixes are refused, since a governed release is final. */
export const ZSemver = z.string().refine((value) => semver.valid(value) === value && semver.prerelease(value) === null, {
  message: "version must be a semantic version MAJOR.MINOR.PATCH, e.g. 1.2.0 (no pre-release or build suffix)",
});

/** Throws unless `candidate` is greater than every existing version of the model. */
export function assertVersionIsNewer({ candidate, existing }: { candidate: string; existing: string[] }): void {
  if (existing.includes(candidate))
    throw new DomainError("version_exists", `Version ${candidate} is already registered for this model.`, 409);
  const latest = existing.filter((version) => semver.valid(version)).sort(semver.rcompare)[0];
  if (latest && semver.lte(candidate, latest)) {
    throw new DomainError("version_not_newer", `Version ${candidate} must be greater than the latest version, ${latest}.`, 422);
  }
}

export function semverParts(version: string): { versionMajor: number; versionMinor: number; versionPatch: number } {
  const parsed = semver.parse(version);
  if (!parsed) throw new DomainError("invalid_version", `${version} is not a semantic version.`, 422);
  return { versionMajor: parsed.major, versionMinor: parsed.minor, versionPatch: parsed.patch };
}

/**
 * The training data's provenance. Every field may be left out, since not every one applies (a
 * static data set has no time range, a public one may have no hash at hand); the card counts the
 * training-data section complete with a name and a source. A field that is given must be valid.
 */
export const ZTrainingData = z
  .object({
    datasetName: z.string().trim().min(1, "name the training dataset, or leave datasetName out").optional(),
    sha256: z
      .string()
      .regex(/^[a-f0-9]{64}$/, "sha256 is 64 lowercase hex characters")
      .optional(),
    rowCount: z.number().int().positive().optional(),
    timeRangeStart: z.iso.date({ error: "timeRangeStart is a date like 2025-01-31" }).optional(),
    timeRangeEnd: z.iso.date({ error: "timeRangeEnd is a date like 2025-12-31" }).optional(),
    source: z.string().trim().min(1, "say where the data came from, or leave source out").optional(),
  })
  .refine((data) => !data.timeRangeStart || !data.timeRangeEnd || data.timeRangeStart <= data.timeRangeEnd, {
    path: ["timeRangeEnd"],
    message: "timeRangeEnd is before timeRangeStart",
  });

const ZHyperparameters = z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]));

const ZMetric = z.number().finite();
const ZOfflineMetrics = z
  .object({
    rocAuc: ZMetric.min(0).max(1).optional(),
    averagePrecision: ZMetric.min(0).max(1).optional(),
    brier: ZMetric.min(0).optional(),
    logLoss: ZMetric.min(0).optional(),
    accuracy: ZMetric.min(0).max(1).optional(),
    precision: ZMetric.min(0).max(1).optional(),
    recall: ZMetric.min(0).max(1).optional(),
    f1: ZMetric.min(0).max(1).optional(),
    ece: ZMetric.min(0).max(1).optional(),
  })
  .catchall(z.number().finite().nullable());

export const ZCardText = z.object({
  intendedUse: z.string().max(5000).default(""),
  outOfScopeUses: z.string().max(5000).default(""),
  limitations: z.string().max(5000).default(""),
  ethicalConsiderations: z.string().max(5000).default(""),
  caveatsAndRecommendations: z.string().max(5000).default(""),
});
export type TCardText = z.infer<typeof ZCardText>;

/** Everything registered with a version except the artifact bytes and the reference data. */
export const ZRegisterVersionInput = z.object({
  version: ZSemver,
  inputSchema: ZInputSchema,
  outputSchema: ZOutputSchema,
  trainingData: ZTrainingData.default({}),
  hyperparameters: ZHyperparameters.default({}),
  offlineMetrics: ZOfflineMetrics.default({}),
  card: ZCardText.default({
    intendedUse: "",
    outOfScopeUses: "",
    limitations: "",
    ethicalConsiderations: "",
    caveatsAndRecommendations: "",
  }),
});
