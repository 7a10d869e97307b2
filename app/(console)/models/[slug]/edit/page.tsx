import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { getModelBySlug } from "@/db/queries/registry";
import { getUserById } from "@/db/queries/users";
import { CreateModelForm } from "@/components/registry/create-model-form";
import { PageHeader } from "@/components/ui/page-header";
import { updateModelAction } from "../../actions";

export const metadata: Metadata = { title: "Edit model" };

export default async function EditModelPage({ params }: { params: Promise<{ slug: string }> }) {
  await requirePermission("model.edit");
  const model = await getModelBySlug(getDb(), (await params).slug);
  if (!model) notFound();
  const owner = model.ownerId ? await getUserById(getDb(), model.ownerId) : null;
  return (
    <>
      <PageHeader title={`Edit ${model.displayName}`} description="Changes are recorded in the audit trail with their before and after." />
      <CreateModelForm create={updateModelAction} existing={model} ownerEmail={owner?.email ?? null} />
    </>
  );
}
