import type { TReferenceSummary, TUnusualMark } from "@/lib/explain/reference";
import type { TShapleyExplanation } from "@/lib/explain/shapley";

export type TReviewReasonCode = "low_confidence" | "high_risk_rule" | "random_sample" | "shadow_disagreement";
export type TSlaState = "on_track" | "due_soon" | "overdue";

export type TReviewQueueItem = {
  id: string;
  modelSlug: string;
  modelName: string;
  reason: TReviewReasonCode;
  status: "open" | "claimed" | "decided";
  claimedByName: string | null;
  claimExpiresAt: Date | null;
  dueAt: Date;
  createdAt: Date;
  probability: number;
  label: string;
};

export type TReviewItemDetail = TReviewQueueItem & {
  predictionId: string;
  /** The version that answered, null when the rule-based fallback did. */
  modelVersionId: string | null;
  modelVersion: string | null;
  role: string;
  claimedBy: string | null;
  confidence: number;
  features: Array<{
    name: string;
    /** The recorded input: a number, or the category string of a string tensor input. */
    value: number | string | null;
    /** A category's index among the allowed values, as the features column stores it. */
    code?: number;
    min?: number;
    max?: number;
    outOfRange: boolean;
    /** The version's reference data for this input, when it was registered with some. */
    reference: TReferenceSummary | null;
    unusual: TUnusualMark;
  }>;
  attributes: Record<string, string | number | boolean>;
  positiveLabel: string;
  negativeLabel: string;
  decision: "accept" | "override" | null;
  finalLabel: string | null;
  reasonCode: string | null;
  comment: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
};

/** A decided item of the same version close to this one in standardized model-input space. */
export type TSimilarCase = {
  id: string;
  distance: number;
  probability: number;
  label: string;
  decision: "accept" | "override";
  finalLabel: string;
  reasonCode: string | null;
  decidedAt: Date;
};

/** The item view's contributions section: the explanation, or why there is none. */
export type TItemExplanation =
  | {
      ok: true;
      explanation: TShapleyExplanation;
      /** The value to show for a feature whose contribution value is a code (a category fed as a string), by feature name. */
      valueLabels?: Record<string, string>;
    }
  | { ok: false; message: string };

export type TSimilarCases = { ok: true; cases: TSimilarCase[] } | { ok: false; message: string };
