/** Data shapes that cross from db/ queries to pages and components. */
export type TRiskTier = "low" | "medium" | "high";
export type TDeploymentMode = "off" | "shadow" | "canary";

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
