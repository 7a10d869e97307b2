import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePermission } from "@/app/_server/auth";
import { listAlertChannels } from "@/db/queries/alert-rules";
import { AlertRulesPanel } from "@/components/monitoring/alert-rules-panel";
import { can } from "@/lib/permissions";
import { createAlertRuleAction, saveAlertChannelsAction, toggleAlertRuleAction } from "./actions";
import { acknowledgeIncidentAction } from "@/app/(console)/alerts/actions";
import { listIncidents } from "@/db/queries/alerts";
import { IncidentsPanel } from "@/components/monitoring/incidents-panel";
import { loadMonitoringView } from "@/app/_server/monitoring";
import { getDb } from "@/db/client";
import { getModelBySlug } from "@/db/queries/registry";
import { MonitoringDashboard } from "@/components/monitoring/monitoring-dashboard";
import { PageHeader } from "@/components/ui/page-header";
import { FeatureImportancePanel } from "@/components/models/feature-importance-panel";
import { getChampionImportance } from "@/db/queries/importance";
import { MONITOR_RANGES, type TMonitorRange } from "@/lib/monitoring/dashboard";

export const metadata: Metadata = { title: "Monitoring" };

type TSearch = { range?: string; feature?: string; version?: string };

export default async function MonitoringPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<TSearch>;
}) {
  const user = await requirePermission("models.read");
  const [{ slug }, search] = await Promise.all([params, searchParams]);
  const db = getDb();
  const model = await getModelBySlug(db, slug);
  if (!model) notFound();
  const range: TMonitorRange = search.range && search.range in MONITOR_RANGES ? (search.range as TMonitorRange) : "24h";
  const [view, channels, incidents, importance] = await Promise.all([
    loadMonitoringView(db, { modelId: model.id, range, feature: search.feature, version: search.version }),
    listAlertChannels(db, model.id),
    // Unresolved incidents first, then the latest resolved ones.
    listIncidents(db, { modelId: model.id, limit: 5 }),
    // Stored by the validation job and the worker's importance job: two primary-key reads, no model run.
    getChampionImportance(db, model.id),
  ]);
  // Only the host of a channel reaches the browser: webhook URLs carry tokens.
  const channelRows = channels
    .filter((channel) => channel.modelId === model.id)
    .map((channel) => ({ kind: channel.kind, host: new URL(channel.url).host }));
  return (
    <div className="stack">
      <PageHeader
        title={`Monitoring: ${model.displayName}`}
        description="Data drift, prediction drift, realized and estimated performance, fairness by group and latency, from hourly and daily windows against the version's reference data."
        actions={
          <Link className="button" href={`/models/${model.slug}`}>
            Back to the model
          </Link>
        }
      />
      {incidents.length ? (
        <section className="stack" aria-labelledby="incidents-heading">
          <h2 id="incidents-heading">Incidents</h2>
          <IncidentsPanel
            incidents={incidents}
            showModel={false}
            canAcknowledge={can(user.roles, "alerts.acknowledge")}
            acknowledge={acknowledgeIncidentAction}
          />
        </section>
      ) : null}
      <MonitoringDashboard slug={model.slug} range={range} feature={search.feature} version={search.version} initial={view} />
      {importance ? (
        <FeatureImportancePanel
          reference={importance.importances.reference}
          traffic={importance.importances.traffic}
          version={importance.version}
          showTraffic
        />
      ) : null}
      <section className="card" aria-labelledby="rules-heading">
        <h2 id="rules-heading">Alert rules</h2>
        <p className="muted" style={{ marginTop: 0 }}>
          Evaluated after every monitoring pass on the champion&apos;s windows. An alert fires after the set number of breaching windows in
          a row and resolves only past its resolve level, so it does not flap. Alerts show on the Alerts page and the model page.
        </p>
        <AlertRulesPanel
          modelSlug={model.slug}
          rules={view.rules}
          channels={channelRows}
          editable={can(user.roles, "alert_rules.edit")}
          toggle={toggleAlertRuleAction}
          create={createAlertRuleAction}
          saveChannels={saveAlertChannelsAction}
        />
      </section>
    </div>
  );
}
