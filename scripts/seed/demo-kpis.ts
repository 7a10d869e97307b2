import { createHash } from "node:crypto";
import { appendAuditRecord } from "@/db/audit";
import type { TDatabase } from "@/db/connection";
import { getModelBySlug } from "@/db/queries/registry";
import { insertMissingKpiValues } from "@/db/writes/kpis";
import { createRandom } from "@/lib/random";
import { dateAxis } from "@/lib/kpis/series";

const DEMO_KPI_DAYS = 60;

/** A stable seed per (metric, day), so a day's demo value is the same whenever and wherever it is seeded. */
const seedOf = (metric: string, day: string) => createHash("sha256").update(`${metric}|${day}`).digest().readUInt32BE(0);

/**
 * The demo's business KPIs for credit-default over one day, sized to the demo's own traffic (2,000
 * applications an hour, as scripts/seed/demo-traffic.ts and the simulator send): the champion
 * approves about 93.5 % of applications, and the approved loans that default carry about $74.5 M
 * of principal a day, of which the lender loses 45 % (the loss given default in the demo's value
 * matrix, demo-seed.ts): about $33.5 M a day. Figures from scoring 96,000 generated applications
 * (seed 20261130) with the 1.0.0 champion at its 0.3 threshold. Weekends run a little lower.
 */
function demoKpiValues(day: string): Array<{ metric: string; value: number; unit: string }> {
  const date = new Date(`${day}T00:00:00Z`);
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
  const dayNumber = date.getTime() / 86_400_000;
  const approval = createRandom(seedOf("approval rate", day));
  const losses = createRandom(seedOf("default losses", day));
  const approvalRate = 93.5 + 0.8 * Math.sin(dayNumber / 9) - (weekend ? 1.2 : 0) + approval.normal(0, 0.4);
  const defaultLosses = (weekend ? 28_000_000 : 35_500_000) * (1 + 0.08 * Math.sin(dayNumber / 13)) + losses.normal(0, 1_500_000);
  return [
    { metric: "approval rate", value: Math.round(approvalRate * 10) / 10, unit: "%" },
    { metric: "default losses", value: Math.round(defaultLosses), unit: "USD" },
  ];
}

/**
 * Fills the demo model's KPIs for the last 60 days up to yesterday (UTC). Idempotent: days
 * already present, seeded or sent by someone, are left alone; an audit record notes new days.
 */
export async function seedDemoKpis(db: TDatabase, now = new Date()): Promise<number> {
  const model = await getModelBySlug(db, "credit-default");
  if (!model) return 0;
  const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  const first = new Date(now.getTime() - DEMO_KPI_DAYS * 86_400_000).toISOString().slice(0, 10);
  const rows = dateAxis(first, yesterday).flatMap((day) => demoKpiValues(day).map((value) => ({ modelId: model.id, day, ...value })));
  return db.transaction(async (tx) => {
    const inserted = await insertMissingKpiValues(tx, rows);
    if (inserted > 0) {
      await appendAuditRecord(tx, {
        actorId: null,
        actorLabel: "system (demo seed)",
        action: "kpi.values_recorded",
        subjectType: "model",
        subjectId: model.id,
        modelId: model.id,
        input: { source: "demo seed", count: inserted, metrics: ["approval rate", "default losses"], from: first, to: yesterday },
      });
    }
    return inserted;
  });
}
