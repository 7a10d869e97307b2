/** Data shapes of the KPI view that cross from db/ queries to pages and components. */
import type { THealthIncident } from "@/lib/kpis/health";
import type { TMonitorStatus } from "./monitoring";

/** One stored KPI value; `day` is a UTC calendar date (YYYY-MM-DD). */
export type TKpiPoint = { modelId: string; metric: string; day: string; value: number; unit: string };

/** One daily monitor result of the kinds the KPI view shows (drift, fairness, realized performance). */
export type TMonitorPoint = {
  modelId: string;
  day: string;
  kind: "drift" | "fairness" | "performance";
  statistic: string;
  groupName: string;
  value: number | null;
  threshold: number | null;
  status: TMonitorStatus;
};

/** A model as the portfolio summary sees it: whether it serves, what is open on it, its latest daily drift verdict. */
export type TPortfolioModel = {
  id: string;
  slug: string;
  displayName: string;
  riskTier: "low" | "medium" | "high";
  businessKpi: string;
  championVersion: string | null;
  killSwitch: boolean;
  costSettings: Record<string, unknown>;
  openCriticalAlerts: number;
  openWarningAlerts: number;
  openInfoAlerts: number;
  openReviewItems: number;
  latestDrift: { day: string; status: TMonitorStatus } | null;
  /** Unresolved (open or acknowledged) incidents: what the model's health is derived from. */
  openIncidents: THealthIncident[];
};
