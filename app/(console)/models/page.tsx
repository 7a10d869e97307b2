import type { Metadata } from "next";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { getCardSource } from "@/db/queries/cards";
import { listModels } from "@/db/queries/models";
import { assembleModelCard, computeCardCompleteness } from "@/lib/model-card";
import { ModelTable } from "@/components/models/model-table";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/permissions";
import Link from "next/link";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  const user = await requirePermission("models.read");
  const db = getDb();
  const models = await listModels(db);
  // Completeness of each model's latest card; a handful of models, so one read each is fine.
  const completeness = Object.fromEntries(
    await Promise.all(
      models.map(async (model) => {
        const source = model.latestVersion ? await getCardSource(db, model.slug, model.latestVersion) : null;
        return [model.id, source ? computeCardCompleteness(assembleModelCard(source)).score : null] as const;
      }),
    ),
  );
  return (
    <>
      <PageHeader
        title="Models"
        description="Every governed model: its risk tier, owner, the version that answers traffic and how it is deployed."
        actions={
          can(user.roles, "model.create") ? (
            <Link className="button primary" href="/models/new">
              New model
            </Link>
          ) : null
        }
      />
      <ModelTable models={models} completeness={completeness} />
    </>
  );
}
