import { sql } from "drizzle-orm";
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
// Relative, not "@/": drizzle-kit loads this file with no path aliases.
import { DEPLOYMENT_MODES, VERSION_STATUSES } from "../../lib/governance/lifecycle";
import { bytea, createdAt, updatedAt } from "./columns";
import { users } from "./users";

export const models = pgTable("models", {
  id: uuid("id").primaryKey().defaultRandom(),
  slug: text("slug").notNull().unique(),
  displayName: text("display_name").notNull(),
  description: text("description").notNull().default(""),
  ownerId: uuid("owner_id").references(() => users.id),
  riskTier: text("risk_tier").$type<"low" | "medium" | "high">().notNull(),
  useCase: text("use_case").notNull().default(""),
  businessKpi: text("business_kpi").notNull().default(""),
  costSettings: jsonb("cost_settings")
    .$type<Record<string, unknown>>()
    .notNull()
    .default(sql`'{}'::jsonb`),
  // Decision-value matrix (lib/cost/value.ts ZValueMatrix); null until the committee sets one.
  valueMatrix: jsonb("value_matrix").$type<Record<string, unknown>>(),
  // Declarative rule set the worker answers from when the kill switch is on or the model fails.
  fallbackRules: jsonb("fallback_rules")
    .$type<Record<string, unknown>>()
    .notNull()
    .default(sql`'{}'::jsonb`),
  // Review routing and SLA settings (high-risk rules, sample rate, due hours, claim minutes).
  reviewSettings: jsonb("review_settings")
    .$type<Record<string, unknown>>()
    .notNull()
    .default(sql`'{}'::jsonb`),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** ONNX files, stored once by content hash so every worker can load them from the database. */
export const artifacts = pgTable(
  "artifacts",
  {
    sha256: text("sha256").primaryKey(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    format: text("format").notNull().default("onnx"),
    content: bytea("content").notNull(),
    // Input and output names, types and shapes as read by onnxruntime at registration.
    signature: jsonb("signature")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    // The sha256 of the file as uploaded when registration rewrote it (a ZipMap removed); null when stored unchanged.
    originalSha256: text("original_sha256"),
    createdAt: createdAt(),
  },
  (table) => [
    index("artifacts_original_sha256_idx")
      .on(table.originalSha256)
      .where(sql`${table.originalSha256} IS NOT NULL`),
  ],
);

export const modelVersions = pgTable(
  "model_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id),
    version: text("version").notNull(),
    // Numeric parts of the semantic version, so "latest" is an ORDER BY, not a string sort.
    versionMajor: integer("version_major").notNull(),
    versionMinor: integer("version_minor").notNull(),
    versionPatch: integer("version_patch").notNull(),
    // Typed for TypeScript only: no CHECK constraint; every write goes through lib/governance/lifecycle.
    status: text("status", { enum: VERSION_STATUSES }).notNull().default("registered"),
    artifactSha256: text("artifact_sha256")
      .notNull()
      .references(() => artifacts.sha256),
    inputSchema: jsonb("input_schema").$type<Record<string, unknown>>().notNull(),
    outputSchema: jsonb("output_schema").$type<Record<string, unknown>>().notNull(),
    trainingData: jsonb("training_data")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    hyperparameters: jsonb("hyperparameters")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    offlineMetrics: jsonb("offline_metrics")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    card: jsonb("card")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    // Per-feature reference statistics (quantiles, sample, category counts) for drift.
    referenceProfile: jsonb("reference_profile").$type<Record<string, unknown>>(),
    registeredBy: uuid("registered_by").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    statusChangedAt: timestamp("status_changed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("model_versions_model_version_uq").on(table.modelId, table.version),
    index("model_versions_model_status_idx").on(table.modelId, table.status),
  ],
);

/**
 * One row per model: what answers traffic. Workers LISTEN for changes to it.
 * `revision` is bumped by every change so two concurrent actions cannot both win.
 */
export const deployments = pgTable("deployments", {
  modelId: uuid("model_id")
    .primaryKey()
    .references(() => models.id),
  championVersionId: uuid("champion_version_id").references(() => modelVersions.id),
  challengerVersionId: uuid("challenger_version_id").references(() => modelVersions.id),
  previousChampionVersionId: uuid("previous_champion_version_id").references(() => modelVersions.id),
  mode: text("mode", { enum: DEPLOYMENT_MODES }).notNull().default("off"),
  canaryPercent: integer("canary_percent").notNull().default(0),
  killSwitch: boolean("kill_switch").notNull().default(false),
  // Confidence (max of p and 1 − p) below which a prediction goes to human review.
  confidenceThreshold: doublePrecision("confidence_threshold").notNull().default(0.6),
  reviewSampleRate: doublePrecision("review_sample_rate").notNull().default(0.01),
  revision: integer("revision").notNull().default(0),
  updatedBy: uuid("updated_by").references(() => users.id),
  updatedAt: updatedAt(),
});
