import type { Metadata } from "next";
import { requireSection } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { listModels } from "@/db/queries/models";
import { ModelTable } from "@/components/models/model-table";
import { PageHeader } from "@/components/ui/page-header";
import { hasAnyRole } from "@/lib/roles";
import Link from "next/link";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  const user = await requireSection("models");
  const models = await listModels(getDb());
  return (
    <>
      <PageHeader
        title="Models"
        description="Every governed model: its risk tier, owner, the version that answers traffic and how it is deployed."
        actions={hasAnyRole(user.roles, ["admin", "scientist"]) ? <Link className="button primary" href="/models/new">New model</Link> : null}
      />
      <ModelTable models={models} />
    </>
  );
}
