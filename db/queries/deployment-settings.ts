import type { deployments } from "../schema";

/** The routing settings of a deployment row, as both the app's views and the worker read them. */
export function deploymentSettings(row: typeof deployments.$inferSelect) {
  return {
    mode: row.mode,
    canaryPercent: row.canaryPercent,
    killSwitch: row.killSwitch,
    confidenceThreshold: row.confidenceThreshold,
    reviewSampleRate: row.reviewSampleRate,
    revision: row.revision,
  };
}
