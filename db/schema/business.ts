import { doublePrecision, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { modelVersions, models } from "./models";
import { alerts } from "./monitoring";

/** The canary guard's last verdict on the business value of a model's running canary (migration 0016). */
export const canaryBusinessVerdicts = pgTable("canary_business_verdicts", {
  modelId: uuid("model_id")
    .primaryKey()
    .references(() => models.id, { onDelete: "cascade" }),
  championVersionId: uuid("champion_version_id")
    .notNull()
    .references(() => modelVersions.id, { onDelete: "cascade" }),
  challengerVersionId: uuid("challenger_version_id")
    .notNull()
    .references(() => modelVersions.id, { onDelete: "cascade" }),
  verdict: text("verdict").$type<"hold" | "recommend_promotion" | "keep_collecting" | "insufficient_data">().notNull(),
  controlN: integer("control_n").notNull(),
  treatmentN: integer("treatment_n").notNull(),
  difference: doublePrecision("difference"),
  ciLow: doublePrecision("ci_low"),
  ciHigh: doublePrecision("ci_high"),
  alwaysValidPValue: doublePrecision("always_valid_p_value"),
  test: text("test"),
  sentence: text("sentence").notNull(),
  // The warning a hold raised; resolved when the hold ends.
  alertId: uuid("alert_id").references(() => alerts.id, { onDelete: "set null" }),
  judgedAt: timestamp("judged_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The previous champion re-scored on a window's last labelled predictions, aggregated per cell
 * (lib/cost/value.ts TCellSums) beside the served decisions' cells on the same rows (migration 0016).
 */
export const baselineValues = pgTable(
  "baseline_values",
  {
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    baselineVersionId: uuid("baseline_version_id")
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    windowDays: integer("window_days").notNull(),
    championVersionId: uuid("champion_version_id").references(() => modelVersions.id, { onDelete: "cascade" }),
    scaleInput: text("scale_input"),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    windowEnd: timestamp("window_end", { withTimezone: true }).notNull(),
    rows: integer("rows").notNull(),
    skipped: integer("skipped").notNull(),
    modelCells: jsonb("model_cells").$type<Record<string, { count: number; scale: number }>>().notNull(),
    baselineCells: jsonb("baseline_cells").$type<Record<string, { count: number; scale: number }>>().notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ name: "baseline_values_pk", columns: [table.modelId, table.baselineVersionId, table.windowDays] })],
);
