import type { Metadata } from "next";
import { requireSection } from "@/app/_server/auth";
import { ComingSection } from "@/components/ui/coming-section";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage() {
  await requireSection("alerts");
  return (
    <ComingSection
      title="Alerts"
      description="Monitors that crossed their thresholds: drift, fairness, performance, latency and review backlog."
      items={[
        "Firing, acknowledged and resolved alerts per model, with their rule and value",
        "Acknowledge and resolve with a note; hysteresis so alerts do not flap",
        "Webhook delivery status",
      ]}
    />
  );
}
