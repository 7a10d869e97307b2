import { sql } from "drizzle-orm";
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { modelVersions } from "./models";
import { users } from "./users";

/** Thresholds and quorum per risk tier, editable by admins. */
export const governancePolicies = pgTable("governance_policies", {
  riskTier: text("risk_tier").primaryKey(),
  policy: jsonb("policy").$type<Record<string, unknown>>().notNull(),
  updatedBy: uuid("updated_by").references(() => users.id),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One run of the validation gates for a version; each gate's result is a row of gateResults. */
export const validationRuns = pgTable(
  "validation_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelVersionId: uuid("model_version_id")
      .notNull()
      .references(() => modelVersions.id),
    status: text("status").$type<"queued" | "running" | "passed" | "failed" | "error">().notNull().default("queued"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    requestedBy: uuid("requested_by").references(() => users.id),
  },
  (table) => [index("validation_runs_version_idx").on(table.modelVersionId, table.startedAt)],
);

export const gateResults = pgTable(
  "gate_results",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    validationRunId: uuid("validation_run_id")
      .notNull()
      .references(() => validationRuns.id),
    gate: text("gate").notNull(),
    passed: boolean("passed").notNull(),
    value: doublePrecision("value"),
    threshold: doublePrecision("threshold"),
    comparison: text("comparison"),
    reason: text("reason").notNull().default(""),
    evidence: jsonb("evidence")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex("gate_results_run_gate_uq").on(table.validationRunId, table.gate)],
);

export const approvalRequests = pgTable(
  "approval_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelVersionId: uuid("model_version_id")
      .notNull()
      .references(() => modelVersions.id),
    requestedBy: uuid("requested_by")
      .notNull()
      .references(() => users.id),
    quorum: integer("quorum").notNull(),
    status: text("status").$type<"pending" | "approved" | "rejected" | "withdrawn">().notNull().default("pending"),
    note: text("note").notNull().default(""),
    createdAt: createdAt(),
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (table) => [index("approval_requests_version_idx").on(table.modelVersionId)],
);

export const approvalVotes = pgTable(
  "approval_votes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    approvalRequestId: uuid("approval_request_id")
      .notNull()
      .references(() => approvalRequests.id),
    voterId: uuid("voter_id")
      .notNull()
      .references(() => users.id),
    decision: text("decision").$type<"approve" | "reject">().notNull(),
    comment: text("comment").notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex("approval_votes_one_per_voter_uq").on(table.approvalRequestId, table.voterId)],
);

/**
 * Append-only, hash-chained record of every change. A trigger (migration 0001) refuses
 * UPDATE and DELETE; `sequence` orders the chain and each row carries the previous row's hash.
 */
export const auditRecords = pgTable(
  "audit_records",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sequence: bigint("sequence", { mode: "number" }).notNull().unique(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid("actor_id"),
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id"),
    modelId: uuid("model_id"),
    input: jsonb("input")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    previousHash: text("previous_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (table) => [
    index("audit_records_time_idx").on(table.occurredAt),
    index("audit_records_model_idx").on(table.modelId, table.occurredAt),
    index("audit_records_actor_idx").on(table.actorId, table.occurredAt),
  ],
);

export const appSettings = pgTable("app_settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<unknown>().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
