import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePermission } from "@/app/_server/auth";
import { CostSettingsForm } from "@/components/models/cost-settings-form";
import { can } from "@/lib/permissions";
import { saveCostSettingsAction } from "./actions";
import { getDb } from "@/db/client";
import { getDailyAccuracy, getMeasuredCostInputs, getServingFigures } from "@/db/queries/cost-inputs";
import { getModelBySlug } from "@/db/queries/registry";
import { CostBenefitView } from "@/components/charts/cost-benefit-view";
import { PageHeader } from "@/components/ui/page-header";
import {
  computeCostAtVolume,
  monthlyErrorGrowthFromAccuracy,
  PLACEHOLDER_ERROR_RATES,
  withPlaceholderRates,
  ZCostSettings,
} from "@/lib/cost/projection";

export const metadata: Metadata = { title: "Cost-benefit" };

export default async function CostBenefitPage({ params }: { params: Promise<{ slug: string }> }) {
  const user = await requirePermission("cost.read");
  const db = getDb();
  const model = await getModelBySlug(db, (await params).slug);
  if (!model) notFound();
  const [measured, serving, dailyAccuracy] = await Promise.all([
    getMeasuredCostInputs(db, model.id),
    getServingFigures(db, model.id),
    getDailyAccuracy(db, model.id),
  ]);
  const decay = monthlyErrorGrowthFromAccuracy(dailyAccuracy);
  const settings = ZCostSettings.parse(model.costSettings ?? {});
  const compute = computeCostAtVolume(settings, measured.monthlyPredictions);
  // Placeholders when no outcome has arrived yet; the page says so.
  const projected = withPlaceholderRates(measured);
  const labelled = projected.labelled;
  return (
    <div className="stack">
      <PageHeader
        title={`Cost-benefit: ${model.displayName}`}
        description="Maintain the current model or update it (retrain on a cadence, or move to the challenger): expected loss from errors, compute, review and retraining over the next 12 months."
        actions={
          <Link className="button" href={`/models/${model.slug}`}>
            Back to the model
          </Link>
        }
      />
      <p className="muted" style={{ margin: 0 }}>
        Measured over the last 30 days: {measured.monthlyPredictions.toLocaleString("en-US")} predictions,{" "}
        {(measured.reviewRate * 100).toFixed(1)} % sent to review,{" "}
        {labelled
          ? `${measured.labelled.toLocaleString("en-US")} with outcomes (false positives ${((measured.falsePositiveRate ?? 0) * 100).toFixed(1)} %, false negatives ${((measured.falseNegativeRate ?? 0) * 100).toFixed(1)} %).`
          : "no outcomes yet."}
      </p>
      {!labelled ? (
        <p className="callout info" role="status" aria-label="No outcomes">
          No labelled outcomes yet: the error rates are placeholders ({Math.round(PLACEHOLDER_ERROR_RATES.falsePositiveRate * 100)} % false
          positives, {Math.round(PLACEHOLDER_ERROR_RATES.falseNegativeRate * 100)} % false negatives) until outcomes arrive.
        </p>
      ) : null}
      {/* Keyed by the settings so saved settings reset the sliders to them. */}
      <CostBenefitView
        key={JSON.stringify(settings)}
        settings={settings}
        measured={projected.measured}
        measuredDecay={decay === null ? null : { value: decay, days: dailyAccuracy.length }}
      />
      <div className="grid-2">
        <section className="card" aria-labelledby="compute-heading">
          <h2 id="compute-heading">Compute, measured</h2>
          <dl className="facts">
            <div>
              <dt>Monthly compute</dt>
              <dd>
                ${Math.round(compute.monthlyUsd).toLocaleString("en-US")} ({settings.instances} instances × $
                {settings.instancePricePerHourUsd.toFixed(2)}/h × 730 h)
              </dd>
            </div>
            <div>
              <dt>Per 1,000 inferences at the measured volume</dt>
              <dd>
                {compute.perThousandUsd === null
                  ? "— (no predictions in the last 30 days)"
                  : `$${compute.perThousandUsd < 0.1 ? compute.perThousandUsd.toFixed(4) : compute.perThousandUsd.toFixed(2)}`}
              </dd>
            </div>
            <div>
              <dt>Busiest hour, last 30 days</dt>
              <dd>
                {serving.busiestHourPredictions.toLocaleString("en-US")} predictions ({(serving.busiestHourPredictions / 3600).toFixed(2)}{" "}
                per second)
              </dd>
            </div>
            <div>
              <dt>Worker latency, last 24 h</dt>
              <dd>
                {serving.p50Ms === null
                  ? "no monitoring windows yet"
                  : `p50 ≤ ${serving.p50Ms.toFixed(1)} ms, p99 ≤ ${serving.p99Ms?.toFixed(1)} ms (worst hourly window)`}
              </dd>
            </div>
          </dl>
          <p className="muted" style={{ marginBottom: 0 }}>
            Instances bill whether busy or idle, so the cost per 1,000 falls as volume grows. The serving benchmark (npm run bench:serve)
            measures what one worker can take.
          </p>
        </section>
        <section className="card" aria-labelledby="cost-settings-heading">
          <h2 id="cost-settings-heading">Cost settings</h2>
          <CostSettingsForm
            modelSlug={model.slug}
            settings={settings}
            editable={can(user.roles, "cost.edit")}
            save={saveCostSettingsAction}
          />
        </section>
      </div>
    </div>
  );
}
