import { expect } from "@playwright/test";
import type postgres from "postgres";
import type { TPermission } from "../lib/permissions";

/**
 * Every page of the console, with the capability that opens it: access.spec.ts asks for each as every
 * role, a11y.spec.ts visits each as every role that may open it (axe, and the width at 390 and 1440 px).
 */
export type TPageCase = {
  /** The URL path; `{review}` is replaced by a review item's id. */
  path: string;
  permission: TPermission;
  /** Text only the rendered page shows, never the shell, the 403 page or the sign-in page. */
  marker: string;
};

export const PAGES: TPageCase[] = [
  { path: "/", permission: "models.read", marker: "What awaits you today" },
  { path: "/models", permission: "models.read", marker: "Every governed model: its risk tier" },
  { path: "/models/new", permission: "model.create", marker: "A model is a governed use case" },
  { path: "/models/credit-default", permission: "models.read", marker: "Life-cycle timeline" },
  {
    path: "/models/credit-default/edit",
    permission: "model.edit",
    marker: "Changes are recorded in the audit trail with their before and after",
  },
  { path: "/models/credit-default/register", permission: "version.register", marker: "The ONNX file is opened with onnxruntime" },
  { path: "/models/credit-default/cost", permission: "cost.read", marker: "Compute, measured" },
  { path: "/models/credit-default/monitoring", permission: "models.read", marker: "Evaluated after every monitoring pass" },
  {
    path: "/models/credit-default/compare",
    permission: "models.read",
    marker: "Schema, hyperparameters and offline metrics, field by field",
  },
  {
    path: "/models/credit-default/versions/1.0.0",
    permission: "models.read",
    marker: "Model card, generated from the registry and live figures",
  },
  { path: "/review", permission: "review.read", marker: "Predictions the models should not decide alone" },
  { path: "/review/{review}", permission: "review.read", marker: "Similar decided cases" },
  { path: "/review/report", permission: "review.read", marker: "What people decided instead of the model" },
  { path: "/alerts", permission: "alerts.read", marker: "What needs attention: drift" },
  { path: "/audit", permission: "audit.read", marker: "Append-only and hash-chained" },
  { path: "/kpis", permission: "kpis.read", marker: "The portfolio at a glance" },
  { path: "/admin", permission: "users.manage", marker: "Validation gate thresholds" },
];

/** A review item's id; the demo seed has none, so the first call asks the worker for a prediction its high-risk rule sends to review. */
async function aReviewItemId(sql: postgres.Sql): Promise<string> {
  const [existing] = await sql`select id from review_items order by created_at limit 1`;
  if (existing) return existing.id;
  const response = await fetch(`${process.env.E2E_WORKER_URL}/api/v1/models/credit-default/predict`, {
    method: "POST",
    headers: { authorization: `Bearer ${process.env.E2E_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({
      instances: [
        {
          annual_income_usd: 90000,
          employment_years: 6,
          loan_amount_usd: 45000,
          loan_term_months: 60,
          debt_to_income: 0.2,
          credit_history_years: 15,
          late_payments_2y: 0,
          open_credit_lines: 5,
          has_mortgage: true,
          sex: "female",
          age_band: "40_59",
        },
      ],
    }),
  });
  const { predictions } = (await response.json()) as { predictions: Array<{ predictionId: string; sentToReview: boolean }> };
  expect(predictions[0].sentToReview).toBe(true);
  const [item] = await sql`select id from review_items where prediction_id = ${predictions[0].predictionId}`;
  return item.id;
}

/** A page case's URL, with `{review}` filled in. */
export async function urlOf(pageCase: TPageCase, sql: postgres.Sql): Promise<string> {
  return pageCase.path.includes("{review}") ? pageCase.path.replace("{review}", await aReviewItemId(sql)) : pageCase.path;
}
