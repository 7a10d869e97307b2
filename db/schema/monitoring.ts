import { sql } from "drizzle-orm";
import {
  boolean, date, doublePrecision, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid,
} from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { modelVersions, models } from "./models";
import { users } from "./users";

/** A statistic for a version, feature or group and time window, with its threshold and status. */
export const monitorResults = pgTable(
  "monitor_results",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id").notNull().references(() => models.id),
    modelVersionId: uuid("model_version_id").references(() => modelVersions.id),
    kind: text("kind").$type<"drift" | "prediction_drift" | "fairness" | "performance" | "latency" | "volume">().notNull(),
    granularity: text("granularity").$type<"hour" | "day">().notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    windowEnd: timestamp("window_end", { withTimezone: true }).notNull(),
    // "" rather than null so the unique index below makes window jobs idempotent.
    feature: text("feature").notNull().default(""),
    groupName: text("group_name").notNull().default(""),
    statistic: text("statistic").notNull(),
    value: doublePrecision("value"),
    threshold: doublePrecision("threshold"),
    status: text("status").$type<"ok" | "warning" | "breach" | "unknown">().notNull(),
    // Mergeable summary behind the value (histogram, confusion counts) and reasons for nulls.
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("monitor_results_window_uq").on(
      table.modelVersionId, table.kind, table.granularity, table.windowStart, table.feature, table.groupName, table.statistic,
    ),
    index("monitor_results_model_time_idx").on(table.modelId, table.kind, table.windowStart),
  ],
);

export const alertRules = pgTable(
  "alert_rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id").notNull().references(() => models.id),
    name: text("name").notNull(),
    metric: text("metric").notNull(),
    feature: text("feature").notNull().default(""),
    groupName: text("group_name").notNull().default(""),
    comparison: text("comparison").$type<"gt" | "gte" | "lt" | "lte">().notNull(),
    threshold: doublePrecision("threshold").notNull(),
    // Hysteresis: the alert resolves only once the value is back past this level.
    resolveThreshold: doublePrecision("resolve_threshold"),
    windowGranularity: text("window_granularity").$type<"hour" | "day">().notNull().default("hour"),
    severity: text("severity").$type<"info" | "warning" | "critical">().notNull().default("warning"),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [index("alert_rules_model_idx").on(table.modelId)],
);

export const alerts = pgTable(
  "alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ruleId: uuid("rule_id").references(() => alertRules.id),
    modelId: uuid("model_id").notNull().references(() => models.id),
    status: text("status").$type<"firing" | "acknowledged" | "resolved">().notNull().default("firing"),
    severity: text("severity").$type<"info" | "warning" | "critical">().notNull(),
    title: text("title").notNull(),
    message: text("message").notNull(),
    value: doublePrecision("value"),
    firedAt: timestamp("fired_at", { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: uuid("acknowledged_by").references(() => users.id),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    lastEvaluatedAt: timestamp("last_evaluated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("alerts_model_status_idx").on(table.modelId, table.status, table.firedAt)],
);

/** Business KPI values sent in by API or CSV, for the executive view. */
export const kpiValues = pgTable(
  "kpi_values",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id").notNull().references(() => models.id),
    metric: text("metric").notNull(),
    day: date("day").notNull(),
    value: doublePrecision("value").notNull(),
    unit: text("unit").notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex("kpi_values_model_metric_day_uq").on(table.modelId, table.metric, table.day)],
);
