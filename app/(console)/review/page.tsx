import type { Metadata } from "next";
import { requireSection } from "@/app/_server/auth";
import { ComingSection } from "@/components/ui/coming-section";

export const metadata: Metadata = { title: "Review queue" };

export default async function ReviewPage() {
  await requireSection("review");
  return (
    <ComingSection
      title="Review queue"
      description="Predictions the models should not decide alone: low confidence, high-risk rules, quality samples."
      items={[
        "The queue sorted by SLA due time, filterable by model, reason, age and SLA state",
        "Claim the next item safely; decide with the keyboard: accept or override with a reason code",
        "Per-feature contributions and similar past decisions for each case",
        "Transparency report and retraining export",
      ]}
    />
  );
}
