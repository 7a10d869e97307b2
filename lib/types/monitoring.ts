import type { TMonitoringDashboard } from "../monitoring/dashboard";

/** A monitor's verdict on one window; `unknown` when the window has too few predictions to judge. */
export type TMonitorStatus = "ok" | "warning" | "breach" | "unknown";

/** What the monitoring page and its polling route carry to the browser. */
export type TMonitoringView = {
  version: { id: string; version: string } | null;
  versions: { id: string; version: string }[];
  dashboard: TMonitoringDashboard | null;
  openAlerts: { id: string; title: string; message: string; severity: string; status: string; firedAt: string }[];
  rules: {
    id: string;
    name: string;
    metric: string;
    feature: string;
    groupName: string;
    comparison: string;
    threshold: number;
    resolveThreshold: number | null;
    windowGranularity: string;
    severity: string;
    consecutiveWindows: number;
    triggersRetraining: boolean;
    enabled: boolean;
  }[];
  serverMs: number;
};
