import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { getCardSource } from "@/db/queries/cards";
import { ModelCardView } from "@/components/models/model-card-view";
import { PageHeader } from "@/components/ui/page-header";
import { assembleModelCard, computeCardCompleteness } from "@/lib/model-card";

export async function generateMetadata({ params }: { params: Promise<{ slug: string; version: string }> }): Promise<Metadata> {
  const { slug, version } = await params;
  return { title: `${slug} ${version} model card` };
}

export default async function ModelCardPage({ params }: { params: Promise<{ slug: string; version: string }> }) {
  const { slug, version } = await params;
  const source = await getCardSource(getDb(), slug, version);
  if (!source) notFound();
  const card = assembleModelCard(source);
  const completeness = computeCardCompleteness(card);
  const exportBase = `/api/v1/models/${slug}/versions/${version}/card`;
  return (
    <div className="stack">
      <PageHeader
        title={`${source.model.displayName} ${version}`}
        description="Model card, generated from the registry and live figures."
        actions={
          <div style={{ display: "flex", gap: 8 }}>
            <Link className="button" href={`/models/${slug}`}>Back to the model</Link>
            <a className="button" href={`${exportBase}?format=md`} download>Export Markdown</a>
            <a className="button" href={`${exportBase}?format=json`} download>Export JSON</a>
          </div>
        }
      />
      <ModelCardView card={card} completeness={completeness} />
    </div>
  );
}
