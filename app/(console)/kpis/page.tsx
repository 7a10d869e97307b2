import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/app/_server/auth";
import { KPI_PERIODS, loadKpiOverview, type TKpiPeriod } from "@/app/_server/kpis";
import { getDb } from "@/db/client";
import { KpiCsvUpload } from "@/components/kpis/kpi-csv-upload";
import { ModelKpiPanel } from "@/components/kpis/model-kpi-panel";
import { PortfolioSummary } from "@/components/kpis/portfolio-summary";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { MAX_KPI_CSV_BYTES } from "@/lib/kpis/input";
import { formatDay } from "@/lib/kpis/format";
import { can } from "@/lib/permissions";
import { uploadKpiCsvAction } from "./actions";

export const metadata: Metadata = { title: "KPIs" };

const PERIOD_LABELS: Record<TKpiPeriod, string> = { 30: "30 days", 90: "90 days", 365: "1 year" };

export default async function KpisPage({ searchParams }: { searchParams: Promise<{ days?: string }> }) {
  const user = await requirePermission("kpis.read");
  const requested = Number((await searchParams).days);
  const days: TKpiPeriod = (KPI_PERIODS as readonly number[]).includes(requested) ? (requested as TKpiPeriod) : 90;
  const overview = await loadKpiOverview(getDb(), { days });
  // The page shows the upload to those the action lets in; the action checks again on the server.
  const canUpload = can(user.roles, "kpis.write");
  return (
    <div className="stack">
      <PageHeader
        title="Executive KPIs"
        description={`The portfolio at a glance: each model's business KPIs beside its drift, fairness and realized performance, ${formatDay(overview.from)} – ${formatDay(overview.to)} (UTC).`}
        actions={
          <nav className="segmented" aria-label="Period">
            {KPI_PERIODS.map((period) => (
              <Link key={period} href={`/kpis?days=${period}`} aria-current={period === days ? "page" : undefined}>
                {PERIOD_LABELS[period]}
              </Link>
            ))}
          </nav>
        }
      />
      <PortfolioSummary summary={overview.summary} />
      {canUpload ? <KpiCsvUpload upload={uploadKpiCsvAction} maxBytes={MAX_KPI_CSV_BYTES} /> : null}
      {overview.models.length === 0 ? (
        <EmptyState title="No models yet">Register a model and send its KPIs to see them here.</EmptyState>
      ) : (
        overview.models.map((view) => <ModelKpiPanel key={view.model.id} view={view} />)
      )}
    </div>
  );
}
