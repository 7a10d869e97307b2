import { integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { modelVersions } from "./models";

/**
 * Global importance of a version (mean |Shapley value| per feature, lib/explain/global-importance.ts):
 * `reference` over its reference sample, computed by the validation job; `traffic` over recent
 * production rows, by the worker's importance job. Migration 0015.
 */
export const featureImportances = pgTable(
  "feature_importances",
  {
    modelVersionId: uuid("model_version_id")
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    source: text("source").$type<"reference" | "traffic">().notNull(),
    method: text("method").$type<"exact" | "sampling">().notNull(),
    rows: integer("rows").notNull(),
    backgroundRows: integer("background_rows").notNull(),
    features: jsonb("features").$type<Array<{ feature: string; meanAbsShapley: number }>>().notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }),
    windowEnd: timestamp("window_end", { withTimezone: true }),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ name: "feature_importances_pk", columns: [table.modelVersionId, table.source] })],
);
