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
  modelVersion: string | null;
  role: string;
  claimedBy: string | null;
  confidence: number;
  features: Array<{ name: string; value: number | string | boolean | null; min?: number; max?: number; outOfRange: boolean }>;
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
