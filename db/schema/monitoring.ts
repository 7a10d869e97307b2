import { sql } from "drizzle-orm";
import { boolean, date, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { TMonitorStatus } from "@/lib/types/monitoring";
import { createdAt } from "./columns";
import { modelVersions, models } from "./models";
import { users } from "./users";

/** A statistic for a version, feature or group and time window, with its threshold and status. */
export const monitorResults = pgTable(
  "monitor_results",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id),
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
    status: text("status").$type<TMonitorStatus>().notNull(),
    // Mergeable summary behind the value (histogram, confusion counts) and reasons for nulls.
    details: jsonb("details")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("monitor_results_window_uq").on(
      table.modelVersionId,
      table.kind,
      table.granularity,
      table.windowStart,
      table.feature,
      table.groupName,
      table.statistic,
    ),
    index("monitor_results_model_time_idx").on(table.modelId, table.kind, table.windowStart),
    // The daily rows only (migration 0019): what the KPI and cost pages read.
    index("monitor_results_daily_idx")
      .on(table.modelId, table.kind, table.windowStart)
      .where(sql`${table.granularity} = 'day'`),
  ],
);

/**
 * One window's mergeable summary (sketches per feature, score bins, confusion counts per group,
 * latency buckets) for a model version: panels over any range add these up instead of
 * rescanning predictions. Hourly rows are written by the worker; daily rows are merged hours.
 */
export const monitorWindows = pgTable(
  "monitor_windows",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id),
    modelVersionId: uuid("model_version_id")
      .notNull()
      .references(() => modelVersions.id),
    granularity: text("granularity").$type<"hour" | "day">().notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    windowEnd: timestamp("window_end", { withTimezone: true }).notNull(),
    rowCount: integer("row_count").notNull(),
    labelledCount: integer("labelled_count").notNull(),
    summary: jsonb("summary").$type<Record<string, unknown>>().notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
    /** Hour windows: the summary holds the predictions created in [window_start, rows_until); window_end once complete. */
    rowsUntil: timestamp("rows_until", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("monitor_windows_uq").on(table.modelVersionId, table.granularity, table.windowStart),
    index("monitor_windows_model_time_idx").on(table.modelId, table.granularity, table.windowStart),
  ],
);

/** Where alerts go: a Slack-compatible webhook per model (or for all models), and the retraining hook. */
export const alertChannels = pgTable(
  "alert_channels",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id").references(() => models.id),
    kind: text("kind").$type<"webhook" | "retraining">().notNull(),
    url: text("url").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [index("alert_channels_model_idx").on(table.modelId)],
);

/** Each attempt to deliver an alert to a channel: retried with backoff until it succeeds or gives up. */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // The alert whose change caused the event (the incident's first, escalating or last member).
    alertId: uuid("alert_id")
      .notNull()
      .references(() => alerts.id),
    // Null for deliveries queued before incidents existed.
    incidentId: uuid("incident_id").references(() => incidents.id),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => alertChannels.id),
    // "fired" only on rows from before incidents; incidents send opened, escalated and resolved.
    event: text("event").$type<"fired" | "opened" | "escalated" | "resolved" | "retraining">().notNull(),
    status: text("status").$type<"pending" | "delivered" | "failed">().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [index("alert_deliveries_due_idx").on(table.status, table.nextAttemptAt)],
);

export const alertRules = pgTable(
  "alert_rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id),
    // Who evaluates the rule: the monitoring pass (a "kind.statistic" series of monitor_results) or the review-backlog job.
    source: text("source").$type<"monitoring" | "review_backlog">().notNull().default("monitoring"),
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
    // Fire only after this many windows in a row breach (sustained, not one noisy hour).
    consecutiveWindows: integer("consecutive_windows").notNull().default(1),
    // A breach is the bound past the threshold ("bound"), or, for sustained warning rules, the estimate alone ("estimate").
    evidence: text("evidence").$type<"bound" | "estimate">().notNull().default("bound"),
    // On firing, also call the model's retraining webhook (it never promotes anything itself).
    triggersRetraining: boolean("triggers_retraining").notNull().default(false),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [index("alert_rules_model_idx").on(table.modelId)],
);

/**
 * Alerts of one model that fire together for one cause ("drift", "fairness:<attribute>", "canary",
 * "review_backlog", …): one notification when it opens, escalates and resolves
 * (lib/monitoring/incidents.ts decides which incident an alert joins).
 */
export const incidents = pgTable(
  "incidents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id),
    cause: text("cause").notNull(),
    title: text("title").notNull(),
    // The highest severity among its open members.
    severity: text("severity").$type<"info" | "warning" | "critical">().notNull(),
    status: text("status").$type<"open" | "acknowledged" | "resolved">().notNull().default("open"),
    // First and latest monitoring window its members judged (null for causes without windows: canary, review backlog).
    firstWindowStart: timestamp("first_window_start", { withTimezone: true }),
    lastWindowEnd: timestamp("last_window_end", { withTimezone: true }),
    openedAt: timestamp("opened_at", { withTimezone: true }).notNull().defaultNow(),
    escalatedAt: timestamp("escalated_at", { withTimezone: true }),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: uuid("acknowledged_by").references(() => users.id),
  },
  (table) => [
    index("incidents_model_status_idx").on(table.modelId, table.status, table.openedAt),
    // At most one unresolved incident per model and cause: the one new alerts of that cause join.
    uniqueIndex("incidents_open_cause_uq")
      .on(table.modelId, table.cause)
      .where(sql`${table.status} <> 'resolved'`),
  ],
);

export const alerts = pgTable(
  "alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ruleId: uuid("rule_id").references(() => alertRules.id),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id),
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
    incidentId: uuid("incident_id").references(() => incidents.id),
  },
  (table) => [
    index("alerts_model_status_idx").on(table.modelId, table.status, table.firedAt),
    index("alerts_incident_idx").on(table.incidentId),
  ],
);

/** Business KPI values sent in by API or CSV, for the executive view. */
export const kpiValues = pgTable(
  "kpi_values",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id),
    metric: text("metric").notNull(),
    day: date("day").notNull(),
    value: doublePrecision("value").notNull(),
    unit: text("unit").notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex("kpi_values_model_metric_day_uq").on(table.modelId, table.metric, table.day)],
);
