import type { Metadata } from "next";
import { requirePermission } from "@/app/_server/auth";
import { CreateModelForm } from "@/components/registry/create-model-form";
import { PageHeader } from "@/components/ui/page-header";
import { createModelAction } from "../actions";

export const metadata: Metadata = { title: "New model" };

export default async function NewModelPage() {
  await requirePermission("model.create");
  return (
    <>
      <PageHeader title="New model" description="A model is a governed use case; its versions, card and deployment live under it." />
      <CreateModelForm create={createModelAction} />
    </>
  );
}
