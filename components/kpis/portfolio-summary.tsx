import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { formatCount, formatUsdCompact } from "@/lib/format";
import type { TPortfolioSummary } from "@/lib/kpis/portfolio";

/** A money figure never wraps: a line may otherwise break between "−" and "$". */
const NO_WRAP = { whiteSpace: "nowrap" } as const;

function Stat({ label, value, children }: { label: string; value: ReactNode; children?: ReactNode }) {
  return (
    <div className="card stat" role="group" aria-label={label}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {children ? <div className="stat-detail">{children}</div> : null}
    </div>
  );
}

/** The portfolio's headline figures, one card each. */
export function PortfolioSummary({ summary }: { summary: TPortfolioSummary }) {
  const caveats = [
    summary.modelsOnPlaceholderRates
      ? `${summary.modelsOnPlaceholderRates} model${summary.modelsOnPlaceholderRates === 1 ? "" : "s"} without outcomes yet use placeholder error rates`
      : null,
    summary.modelsWithoutCost
      ? `${summary.modelsWithoutCost} model${summary.modelsWithoutCost === 1 ? "" : "s"} left out: cost settings not valid`
      : null,
  ].filter(Boolean);
  return (
    <section aria-label="Portfolio summary" className="stat-grid">
      <Stat label="Models in production" value={formatCount(summary.inProduction)}>
        <span className="actions-row">
          <Badge tone="ok">{summary.healthy} healthy</Badge>
          <Badge tone="warn">{summary.warning} warning</Badge>
          <Badge tone="bad">{summary.failing} failing</Badge>
        </span>
      </Stat>
      <Stat label="Open alerts" value={formatCount(summary.openAlerts)}>
        firing or acknowledged
      </Stat>
      <Stat label="Review backlog" value={formatCount(summary.reviewBacklog)}>
        items open or claimed
      </Stat>
      <Stat label="Monthly compute cost" value={<span style={NO_WRAP}>{formatUsdCompact(summary.monthlyComputeCostUsd)}</span>}>
        models in production
      </Stat>
      <Stat
        label="Projected net value"
        value={
          <span className={summary.projectedNetValueUsd < 0 ? "stat-negative" : undefined} style={NO_WRAP}>
            {formatUsdCompact(summary.projectedNetValueUsd)}
          </span>
        }
      >
        next 12 months, keeping today&apos;s models
        {caveats.length ? (
          <>
            <br />
            {caveats.join("; ")}
          </>
        ) : null}
      </Stat>
    </section>
  );
}
