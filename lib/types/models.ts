/** Data shapes that cross from db/ queries to pages and components. */
import type { TDeploymentMode, TVersionStatus } from "../governance/lifecycle";
import type { TRiskTier } from "../governance/policy";

export type TModelListItem = {
  id: string;
  slug: string;
  displayName: string;
  description: string;
  riskTier: TRiskTier;
  ownerName: string | null;
  versionCount: number;
  latestVersion: string | null;
  championVersion: string | null;
  deploymentMode: TDeploymentMode;
  killSwitch: boolean;
  updatedAt: Date;
};

export type TVersionListItem = {
  id: string;
  version: string;
  status: TVersionStatus;
  artifactSha256: string;
  registeredByName: string | null;
  createdAt: Date;
  offlineMetrics: Record<string, unknown>;
  role: "champion" | "challenger" | "previous champion" | null;
};

export type TModelDetail = {
  id: string;
  slug: string;
  displayName: string;
  description: string;
  riskTier: TRiskTier;
  useCase: string;
  businessKpi: string;
  ownerName: string | null;
  ownerEmail: string | null;
  createdAt: Date;
  deployment: {
    mode: TDeploymentMode;
    canaryPercent: number;
    killSwitch: boolean;
    confidenceThreshold: number;
    reviewSampleRate: number;
    revision: number;
    championVersion: string | null;
    challengerVersion: string | null;
    updatedAt: Date;
  } | null;
  versions: TVersionListItem[];
  predictionsLast24h: number;
  openReviewItems: number;
};
