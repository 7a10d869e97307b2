import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePermission } from "@/app/_server/auth";
import { CostSettingsForm } from "@/components/models/cost-settings-form";
import { can } from "@/lib/permissions";
import { saveCostSettingsAction } from "./actions";
import { getDb } from "@/db/client";
import { getChampionInputSchema, getDailyAccuracy, getMeasuredCostInputs, getServingFigures } from "@/db/queries/cost-inputs";
import { getModelBySlug } from "@/db/queries/registry";
import { CostBenefitView } from "@/components/charts/cost-benefit-view";
import { PageHeader } from "@/components/ui/page-header";
import {
  computeCostAtVolume,
  monthlyErrorGrowthFromAccuracy,
  VALUE_FORMULAS,
  withMeasuredValue,
  ZCostSettings,
} from "@/lib/cost/projection";
import { BASELINE_LABELS, compareWithKpi, monthlyNetValue, numericInputNames, PRELIMINARY_DAYS } from "@/lib/cost/value";
import { formatDateTime, formatUsdCompact } from "@/lib/format";
import { listKpiValues } from "@/db/queries/kpis";

export const metadata: Metadata = { title: "Cost-benefit" };

const daysText = (days: number) => (days < 10 ? days.toFixed(1) : String(Math.round(days)));

export default async function CostBenefitPage({ params }: { params: Promise<{ slug: string }> }) {
  const user = await requirePermission("cost.read");
  const db = getDb();
  const model = await getModelBySlug(db, (await params).slug);
  if (!model) notFound();
  const since = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  const [measured, serving, dailyAccuracy, inputSchema, kpiValues] = await Promise.all([
    getMeasuredCostInputs(db, model.id),
    getServingFigures(db, model.id),
    getDailyAccuracy(db, model.id),
    getChampionInputSchema(db, model.id),
    listKpiValues(db, { modelId: model.id, from: since }),
  ]);
  const decay = monthlyErrorGrowthFromAccuracy(dailyAccuracy);
  const settings = ZCostSettings.parse(model.costSettings ?? {});
  const compute = computeCostAtVolume(settings, measured.monthlyPredictions);
  const projected = withMeasuredValue(measured);
  const month =
    measured.value === null
      ? null
      : monthlyNetValue({
          matrix: measured.matrix,
          cells: measured.cells,
          valueAddedPerPrediction: measured.value.valueAddedPerPrediction ?? 0,
          monthlyPredictions: measured.monthlyPredictions,
          reviewRate: measured.reviewRate,
          reviewCostPerItemUsd: settings.reviewCostPerItemUsd,
          computePerMonthUsd: compute.monthlyUsd,
        });
  // Uploaded money KPIs (daily means over the last 30 days) beside the loss the model's matrix implies per day.
  const moneyKpis = [...new Set(kpiValues.filter((value) => value.unit === "USD").map((value) => value.metric))].map((metric) => {
    const values = kpiValues.filter((value) => value.metric === metric);
    const dailyUsd = values.reduce((sum, value) => sum + value.value, 0) / values.length;
    return { metric, dailyUsd, days: values.length };
  });
  const preliminary = measured.labelled > 0 && measured.outcomeDays < PRELIMINARY_DAYS;
  return (
    <div className="stack">
      <PageHeader
        title={`Cost-benefit: ${model.displayName}`}
        description="What the model adds over its baseline policy on the same predictions, less compute and review; then maintain or update it over the next 12 months."
        actions={
          <Link className="button" href={`/models/${model.slug}`}>
            Back to the model
          </Link>
        }
      />
      <p className="muted" style={{ margin: 0 }} data-testid="cost-basis">
        Measured over {daysText(measured.observedDays)} days: {measured.predictions.toLocaleString("en-US")} predictions, extrapolated to{" "}
        {Math.round(measured.monthlyPredictions).toLocaleString("en-US")} a month (× 30 ÷ {daysText(measured.observedDays)});{" "}
        {(measured.reviewRate * 100).toFixed(1)} % sent to review;{" "}
        {measured.labelled > 0
          ? `${measured.labelled.toLocaleString("en-US")} with outcomes over ${daysText(measured.outcomeDays)} days (false positives ${((measured.falsePositiveRate ?? 0) * 100).toFixed(1)} %, false negatives ${((measured.falseNegativeRate ?? 0) * 100).toFixed(1)} %).`
          : "no outcomes yet."}
      </p>
      {preliminary ? (
        <p className="callout info" role="status" aria-label="Preliminary figures">
          Preliminary: the outcomes span {daysText(measured.outcomeDays)} days, fewer than {PRELIMINARY_DAYS}; a weekly cycle has not been
          seen yet.
        </p>
      ) : null}
      <section className="card" aria-labelledby="net-value-heading">
        <h2 id="net-value-heading">Net value against the baseline, per month</h2>
        {measured.value === null || month === null ? (
          <p className="callout info" role="status" aria-label="No value yet">
            {measured.labelled === 0
              ? "No labelled outcomes yet: the value the model adds cannot be measured until outcomes arrive; the projection below counts costs only."
              : `The baseline (${BASELINE_LABELS[measured.matrix.baseline]}) cannot be valued: ${measured.baselineUnavailable}. Choose another baseline below.`}
          </p>
        ) : (
          <>
            <p
              className="stat-headline"
              style={{ fontSize: 28, fontWeight: 650, margin: "4px 0", whiteSpace: "nowrap" }}
              data-testid="net-value-month"
            >
              {formatUsdCompact(month.netValueUsd)}
            </p>
            <dl className="facts">
              <div>
                <dt>Model vs {BASELINE_LABELS[measured.matrix.baseline].toLowerCase()}</dt>
                <dd>
                  <span style={{ whiteSpace: "nowrap" }}>{formatUsdCompact(measured.value.modelUsd)}</span> vs{" "}
                  <span style={{ whiteSpace: "nowrap" }}>{formatUsdCompact(measured.value.baselineUsd)}</span> on the same{" "}
                  {measured.value.labelled.toLocaleString("en-US")} predictions with outcomes: added{" "}
                  <span style={{ whiteSpace: "nowrap" }}>{formatUsdCompact(measured.value.valueAddedPerPrediction)}</span> per prediction
                  {measured.previousChampionBasis ? (
                    <span className="muted" data-testid="previous-champion-basis">
                      {" "}
                      (the previous champion {measured.previousChampionBasis.version} re-scored by the worker on the newest{" "}
                      {measured.previousChampionBasis.rows.toLocaleString("en-US")} labelled predictions of the last 30 days
                      {measured.previousChampionBasis.skipped > 0
                        ? `, ${measured.previousChampionBasis.skipped.toLocaleString("en-US")} skipped for missing inputs`
                        : ""}
                      , {formatDateTime(measured.previousChampionBasis.computedAt)})
                    </span>
                  ) : null}
                </dd>
              </div>
              <div>
                <dt>Per month</dt>
                <dd>
                  value added <span style={{ whiteSpace: "nowrap" }}>{formatUsdCompact(month.valueAddedUsd)}</span> − compute{" "}
                  <span style={{ whiteSpace: "nowrap" }}>{formatUsdCompact(month.computeUsd)}</span> − review{" "}
                  <span style={{ whiteSpace: "nowrap" }}>{formatUsdCompact(month.reviewUsd)}</span>
                </dd>
              </div>
              <div>
                <dt>Formula</dt>
                <dd className="muted">{VALUE_FORMULAS.netValue}; a month is the observed days extrapolated to 30.</dd>
              </div>
            </dl>
            {month.impliedDailyLossUsd !== null && moneyKpis.length > 0 ? (
              <table className="table" aria-label="Model-implied and uploaded KPIs" style={{ marginTop: 8 }}>
                <thead>
                  <tr>
                    <th scope="col">Uploaded KPI (daily mean, last 30 days)</th>
                    <th scope="col" className="num">
                      Uploaded
                    </th>
                    <th scope="col" className="num">
                      Implied loss per day
                    </th>
                    <th scope="col" className="num">
                      Ratio
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {moneyKpis.map((kpi) => {
                    const comparison = compareWithKpi(month.impliedDailyLossUsd ?? 0, kpi.dailyUsd);
                    return (
                      <tr key={kpi.metric}>
                        <td>
                          {kpi.metric} ({kpi.days} days)
                          {comparison.disagrees ? (
                            <span className="callout error" role="alert" style={{ display: "block", marginTop: 4 }}>
                              The model-implied figure and the uploaded one differ by more than 2×: check the value matrix or the KPI.
                            </span>
                          ) : null}
                        </td>
                        <td className="num" style={{ whiteSpace: "nowrap" }}>
                          {formatUsdCompact(kpi.dailyUsd)}
                        </td>
                        <td className="num" style={{ whiteSpace: "nowrap" }}>
                          {formatUsdCompact(Math.abs(month.impliedDailyLossUsd ?? 0))}
                        </td>
                        <td className="num">{comparison.ratio === null ? "—" : `${comparison.ratio.toFixed(2)}×`}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : null}
          </>
        )}
      </section>
      {/* Keyed by the settings so saved settings reset the sliders to them. */}
      <CostBenefitView
        key={JSON.stringify([settings, measured.matrix])}
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
            matrix={measured.matrix}
            numericInputs={numericInputNames(inputSchema)}
            editable={can(user.roles, "cost.edit")}
            save={saveCostSettingsAction}
          />
        </section>
      </div>
    </div>
  );
}
