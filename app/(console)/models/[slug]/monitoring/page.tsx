import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireRole } from "@/app/_server/auth";
import { loadMonitoringView } from "@/app/_server/monitoring";
import { getDb } from "@/db/client";
import { getModelBySlug } from "@/db/queries/registry";
import { MonitoringDashboard } from "@/components/monitoring/monitoring-dashboard";
import { PageHeader } from "@/components/ui/page-header";
import { MONITOR_RANGES, type TMonitorRange } from "@/lib/monitoring/dashboard";

export const metadata: Metadata = { title: "Monitoring" };

type TSearch = { range?: string; feature?: string; version?: string };

export default async function MonitoringPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<TSearch> }) {
  await requireRole(["admin", "scientist", "committee", "analyst", "executive"]);
  const [{ slug }, search] = await Promise.all([params, searchParams]);
  const db = getDb();
  const model = await getModelBySlug(db, slug);
  if (!model) notFound();
  const range: TMonitorRange = search.range && search.range in MONITOR_RANGES ? (search.range as TMonitorRange) : "24h";
  const view = await loadMonitoringView(db, { modelId: model.id, range, feature: search.feature, version: search.version });
  return (
    <div className="stack">
      <PageHeader
        title={`Monitoring: ${model.displayName}`}
        description="Data drift, prediction drift, realized and estimated performance, fairness by group and latency, from hourly and daily windows against the version's reference data."
        actions={<Link className="button" href={`/models/${model.slug}`}>Back to the model</Link>}
      />
      <MonitoringDashboard slug={model.slug} range={range} feature={search.feature} version={search.version} initial={view} />
    </div>
  );
}
