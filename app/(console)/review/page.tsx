import type { Metadata } from "next";
import { z } from "zod";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { listModels } from "@/db/queries/models";
import { listReviewQueue } from "@/db/queries/review";
import { can } from "@/lib/permissions";
import { ClaimNextButton } from "@/components/review/claim-next-button";
import { REASON_LABELS, ReviewQueueTable } from "@/components/review/review-queue-table";
import { PageHeader } from "@/components/ui/page-header";
import Link from "next/link";
import { claimNextAction } from "./actions";

export const metadata: Metadata = { title: "Review queue" };

const ZQueueQuery = z.object({
  model: z
    .string()
    .max(64)
    .optional()
    .transform((value) => value || undefined),
  reason: z
    .enum(["low_confidence", "high_risk_rule", "random_sample", "shadow_disagreement", ""])
    .optional()
    .transform((value) => value || undefined),
  sla: z
    .enum(["overdue", "due_soon", "on_track", ""])
    .optional()
    .transform((value) => value || undefined),
  age: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .optional(),
});

export default async function ReviewPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await requirePermission("review.read");
  const parsed = ZQueueQuery.safeParse(await searchParams);
  const query: z.infer<typeof ZQueueQuery> = parsed.success
    ? parsed.data
    : { model: undefined, reason: undefined, sla: undefined, age: undefined };
  const db = getDb();
  const [items, models] = await Promise.all([
    listReviewQueue(db, { modelSlug: query.model, reason: query.reason, sla: query.sla, minAgeHours: query.age }),
    listModels(db),
  ]);
  return (
    <div className="stack">
      <PageHeader
        title="Review queue"
        description="Predictions the models should not decide alone. Claim an item, then accept or override it; keyboard: A accept, O override."
        actions={
          <div style={{ display: "flex", gap: 8, alignItems: "center" }}>
            <Link className="button" href="/review/report">
              Transparency report
            </Link>
            {can(user.roles, "review.decide") ? <ClaimNextButton claimNext={claimNextAction} /> : null}
          </div>
        }
      />
      {!parsed.success ? (
        <p className="callout error" role="alert" aria-label="Filter error">
          The filter is not valid; showing everything.
        </p>
      ) : null}
      <form className="card filter-bar" method="get" aria-label="Filter the queue">
        <div className="field">
          <label htmlFor="model">Model</label>
          <select id="model" name="model" defaultValue={query.model ?? ""}>
            <option value="">Any model</option>
            {models.map((model) => (
              <option key={model.slug} value={model.slug}>
                {model.displayName}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="reason">Reason</label>
          <select id="reason" name="reason" defaultValue={query.reason ?? ""}>
            <option value="">Any reason</option>
            {Object.entries(REASON_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="sla">SLA</label>
          <select id="sla" name="sla" defaultValue={query.sla ?? ""}>
            <option value="">Any</option>
            <option value="overdue">Overdue</option>
            <option value="due_soon">Due soon</option>
            <option value="on_track">On track</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="age">Older than (hours)</label>
          <input id="age" name="age" type="number" min={0} defaultValue={query.age ?? ""} />
        </div>
        <div className="filter-actions">
          <button type="submit" className="button primary">
            Apply
          </button>
          <a className="button" href="/review">
            Clear
          </a>
        </div>
      </form>
      <ReviewQueueTable items={items} now={new Date()} />
    </div>
  );
}
