import type { Metadata } from "next";
import { requireSection } from "@/app/_server/auth";
import { ComingSection } from "@/components/ui/coming-section";

export const metadata: Metadata = { title: "KPIs" };

export default async function KpisPage() {
  await requireSection("kpis");
  return (
    <ComingSection
      title="Executive KPIs"
      description="The portfolio at a glance: business KPIs beside model health, cost and projected value."
      items={[
        "Models in production: healthy, warning, failing",
        "Each model's business KPI over time beside drift, fairness and realized performance",
        "Open alerts, review backlog, monthly compute cost and projected net value",
      ]}
    />
  );
}
