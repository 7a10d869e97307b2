import { sql } from "drizzle-orm";
import { boolean, doublePrecision, index, jsonb, pgTable, primaryKey, real, smallint, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { apiKeys, users } from "./users";
import { modelVersions, models } from "./models";

/**
 * Every prediction the worker answered (and every shadow prediction it did not return).
 * Range-partitioned by month on created_at (see db/README.md): the primary key carries the
 * partition key, and old months are detached or dropped whole instead of deleted row by row.
 */
export const predictions = pgTable(
  "predictions",
  {
    id: uuid("id").notNull().defaultRandom(),
    createdAt: createdAt(),
    // model_id, model_version_id and api_key_id name existing rows, checked once per statement by a
    // trigger instead of a foreign key per row (migrations 0025–0026; drizzle does not model it).
    modelId: uuid("model_id").notNull(),
    // Null when the rule-based fallback answered.
    modelVersionId: uuid("model_version_id"),
    role: text("role").$type<"champion" | "challenger" | "shadow" | "fallback">().notNull(),
    requestId: text("request_id").notNull(),
    apiKeyId: uuid("api_key_id"),
    // The model-input tensor row, in schema order: real[] is ~3.5× smaller than jsonb.
    features: real("features").array().notNull(),
    // Context that is not a model input (sensitive attributes such as sex or age band).
    attributes: jsonb("attributes")
      .$type<Record<string, string | number | boolean>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    probability: doublePrecision("probability").notNull(),
    label: text("label").notNull(),
    confidence: doublePrecision("confidence").notNull(),
    latencyMs: real("latency_ms").notNull(),
    sentToReview: boolean("sent_to_review").notNull().default(false),
  },
  (table) => [
    primaryKey({ columns: [table.id, table.createdAt] }),
    index("predictions_model_time_idx").on(table.modelId, table.createdAt),
    index("predictions_version_time_idx").on(table.modelVersionId, table.createdAt),
    index("predictions_request_idx").on(table.requestId),
  ],
);

/** The true label of a prediction, from the calling application or from a review decision. */
export const outcomes = pgTable(
  "outcomes",
  {
    predictionId: uuid("prediction_id").primaryKey(),
    predictionCreatedAt: timestamp("prediction_created_at", { withTimezone: true }).notNull(),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id),
    label: text("label").notNull(),
    // 1 for the positive label, 0 for the negative one: what the performance monitors read.
    labelValue: smallint("label_value").notNull(),
    source: text("source").$type<"api" | "review">().notNull(),
    // Optional business value of the outcome (revenue, loss, conversion 0/1): what A/B panels compare.
    value: doublePrecision("value"),
    observedAt: timestamp("observed_at", { withTimezone: true }).notNull().defaultNow(),
    recordedBy: uuid("recorded_by").references(() => users.id),
    apiKeyId: uuid("api_key_id").references(() => apiKeys.id),
    createdAt: createdAt(),
  },
  (table) => [
    index("outcomes_model_time_idx").on(table.modelId, table.predictionCreatedAt),
    // Outcomes recorded after the hourly summaries were made (migration 0017, db/queries/summaries.ts).
    index("outcomes_model_recorded_idx").on(table.modelId, table.createdAt),
    // Outcomes with a business value, in the order they arrived: the A/B panel's (migration 0019).
    index("outcomes_valued_idx")
      .on(table.modelId, table.createdAt)
      .where(sql`${table.value} is not null`),
  ],
);

export const reviewItems = pgTable(
  "review_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    predictionId: uuid("prediction_id").notNull(),
    predictionCreatedAt: timestamp("prediction_created_at", { withTimezone: true }).notNull(),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id),
    modelVersionId: uuid("model_version_id").references(() => modelVersions.id),
    reason: text("reason").$type<"low_confidence" | "high_risk_rule" | "random_sample" | "shadow_disagreement">().notNull(),
    status: text("status").$type<"open" | "claimed" | "decided">().notNull().default("open"),
    claimedBy: uuid("claimed_by").references(() => users.id),
    claimExpiresAt: timestamp("claim_expires_at", { withTimezone: true }),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    /** When the item turns "due soon": set by a trigger from due_at and created_at (migration 0018), never written here. */
    dueSoonAt: timestamp("due_soon_at", { withTimezone: true }),
    /** The prediction's attributes, copied when both are written (migration 0020); null where a writer left them out. */
    attributes: jsonb("attributes").$type<Record<string, unknown>>(),
    decision: text("decision").$type<"accept" | "override">(),
    finalLabel: text("final_label"),
    reasonCode: text("reason_code"),
    comment: text("comment"),
    decidedBy: uuid("decided_by").references(() => users.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    index("review_items_queue_idx").on(table.status, table.dueAt),
    index("review_items_model_idx").on(table.modelId, table.createdAt),
    index("review_items_prediction_idx").on(table.predictionId),
    // Similar past cases: a version's most recently decided items.
    index("review_items_decided_idx")
      .on(table.modelVersionId, table.decidedAt.desc())
      .where(sql`${table.status} = 'decided'`),
    // The queue in order, undecided items only. Migration 0009 also INCLUDEs created_at, model_id, reason, status,
    // claimed_by and claim_expires_at (drizzle cannot declare INCLUDE), so the queue's counts are index-only scans.
    index("review_items_open_due_idx")
      .on(table.dueAt, table.id)
      .where(sql`${table.status} <> 'decided'`),
  ],
);
