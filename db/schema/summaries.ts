import { bigserial, doublePrecision, index, integer, pgTable, smallint, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { models } from "./models";

/**
 * Hourly summaries of predictions and their outcomes (migration 0017), kept by the worker's
 * summary job (db/queries/summaries-refresh.ts); pages add them up with the rows they do not
 * cover yet (db/queries/summaries.ts).
 */
export const predictionHours = pgTable(
  "prediction_hours",
  {
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    // Null when the rule-based fallback answered.
    modelVersionId: uuid("model_version_id"),
    role: text("role").$type<"champion" | "challenger" | "shadow" | "fallback">().notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    predictions: integer("predictions").notNull(),
    reviewed: integer("reviewed").notNull(),
    labelled: integer("labelled").notNull(),
    firstAt: timestamp("first_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    unique("prediction_hours_key").on(table.modelId, table.hour, table.role, table.modelVersionId).nullsNotDistinct(),
    index("prediction_hours_version_idx").on(table.modelVersionId, table.hour),
  ],
);

/** Labelled cells (model decision × actual × baseline decision) of served predictions per hour, for the cost view. */
export const outcomeCellHours = pgTable(
  "outcome_cell_hours",
  {
    modelId: uuid("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    predicted: smallint("predicted").notNull(),
    actual: smallint("actual").notNull(),
    baseline: smallint("baseline"),
    n: integer("n").notNull(),
    scale: doublePrecision("scale").notNull(),
    firstAt: timestamp("first_at", { withTimezone: true }).notNull(),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    unique("outcome_cell_hours_key").on(table.modelId, table.hour, table.predicted, table.actual, table.baseline).nullsNotDistinct(),
  ],
);

/** How far a model's summaries reach: predictions before predictions_until, outcomes recorded before outcomes_until. */
export const predictionSummaryState = pgTable("prediction_summary_state", {
  modelId: uuid("model_id")
    .primaryKey()
    .references(() => models.id, { onDelete: "cascade" }),
  predictionsUntil: timestamp("predictions_until", { withTimezone: true }).notNull(),
  outcomesUntil: timestamp("outcomes_until", { withTimezone: true }).notNull(),
  // The value-matrix inputs (scaling input, baseline rule) the cells were computed with.
  cellsKey: text("cells_key").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Hours written after a summary pass may have read them (backdated imports, corrections, purges),
 * marked by migration 0017's statement triggers on predictions and outcomes: readers stop using a
 * model's summaries at its earliest mark, and the next pass recounts from there and clears them.
 */
export const predictionSummaryDirty = pgTable(
  "prediction_summary_dirty",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    modelId: uuid("model_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
  },
  (table) => [index("prediction_summary_dirty_model_idx").on(table.modelId, table.hour)],
);
