import { FeatureImportanceChart, type TImportanceSeries } from "@/components/charts/feature-importance-chart";

type TStored = {
  method: string;
  rows: number;
  backgroundRows: number;
  features: Array<{ feature: string; meanAbsShapley: number }>;
  windowStart?: Date | null;
  windowEnd?: Date | null;
} | null;

const series = (stored: TStored | undefined): TImportanceSeries | null =>
  stored
    ? {
        method: stored.method,
        rows: stored.rows,
        backgroundRows: stored.backgroundRows,
        features: stored.features,
        windowStart: stored.windowStart?.toISOString() ?? null,
        windowEnd: stored.windowEnd?.toISOString() ?? null,
      }
    : null;

/**
 * The global-importance section: on the card, the reference figure the validation job stored; on
 * the monitoring page, the champion's reference and recent-traffic figures side by side.
 */
export function FeatureImportancePanel({
  reference,
  traffic,
  version,
  showTraffic = false,
}: {
  reference: TStored | undefined;
  traffic?: TStored | undefined;
  /** The version shown, named in the heading on the monitoring page. */
  version?: string;
  showTraffic?: boolean;
}) {
  return (
    <section className="card" aria-labelledby="importance-heading">
      <h2 id="importance-heading">Global importance{version ? ` of the champion ${version}` : ""}</h2>
      <p className="muted" style={{ marginTop: 0 }}>
        How far each input moves a prediction on average: the mean absolute Shapley value, in percentage points (pp) of probability.
        {showTraffic
          ? " Reference sample and recent production traffic side by side: a change in order means the model leans on other inputs."
          : ""}
      </p>
      <FeatureImportanceChart reference={series(reference)} traffic={series(traffic)} showTraffic={showTraffic} />
    </section>
  );
}
