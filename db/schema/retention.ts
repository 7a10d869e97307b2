import { check, pgTable, smallint, timestamp, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { models } from "./models";
import { users } from "./users";

/**
 * How long a model's raw predictions are kept (workers/jobs/retention.ts). A model without a row
 * keeps DEFAULT_RETENTION_MONTHS (lib/reliability/retention.ts); summaries and audit records are kept forever.
 */
export const retentionPolicies = pgTable(
  "retention_policies",
  {
    modelId: uuid("model_id")
      .primaryKey()
      .references(() => models.id),
    predictionMonths: smallint("prediction_months").notNull().default(13),
    updatedBy: uuid("updated_by").references(() => users.id),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check("retention_policies_months_check", sql`${table.predictionMonths} between 1 and 120`)],
);
