import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireRole } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { getMeasuredCostInputs } from "@/db/queries/cost-inputs";
import { getModelBySlug } from "@/db/queries/registry";
import { CostBenefitView } from "@/components/charts/cost-benefit-view";
import { PageHeader } from "@/components/ui/page-header";
import { PLACEHOLDER_ERROR_RATES, withPlaceholderRates, ZCostSettings } from "@/lib/cost/projection";

export const metadata: Metadata = { title: "Cost-benefit" };

export default async function CostBenefitPage({ params }: { params: Promise<{ slug: string }> }) {
  await requireRole(["admin", "committee", "executive"]);
  const db = getDb();
  const model = await getModelBySlug(db, (await params).slug);
  if (!model) notFound();
  const measured = await getMeasuredCostInputs(db, model.id);
  const settings = ZCostSettings.parse(model.costSettings ?? {});
  // Placeholders when no outcome has arrived yet; the page says so.
  const projected = withPlaceholderRates(measured);
  const labelled = projected.labelled;
  return (
    <div className="stack">
      <PageHeader
        title={`Cost-benefit: ${model.displayName}`}
        description="Maintain the current model or update it (retrain on a cadence, or move to the challenger): expected loss from errors, compute, review and retraining over the next 12 months."
        actions={<Link className="button" href={`/models/${model.slug}`}>Back to the model</Link>}
      />
      <p className="muted" style={{ margin: 0 }}>
        Measured over the last 30 days: {measured.monthlyPredictions.toLocaleString("en-US")} predictions, {(measured.reviewRate * 100).toFixed(1)} % sent to review,{" "}
        {labelled ? `${measured.labelled.toLocaleString("en-US")} with outcomes (false positives ${((measured.falsePositiveRate ?? 0) * 100).toFixed(1)} %, false negatives ${((measured.falseNegativeRate ?? 0) * 100).toFixed(1)} %).` : "no outcomes yet."}
      </p>
      {!labelled ? (
        <p className="callout info" role="status" aria-label="No outcomes">No labelled outcomes yet: the error rates are placeholders ({Math.round(PLACEHOLDER_ERROR_RATES.falsePositiveRate * 100)} % false positives, {Math.round(PLACEHOLDER_ERROR_RATES.falseNegativeRate * 100)} % false negatives) until outcomes arrive.</p>
      ) : null}
      <CostBenefitView settings={settings} measured={projected.measured} />
    </div>
  );
}
