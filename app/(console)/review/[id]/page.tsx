import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requirePermission } from "@/app/_server/auth";
import { explainReviewItem, findSimilarCases } from "@/app/_server/explain";
import { getDb } from "@/db/client";
import { countOpenReviewItems, getReviewItemDetail } from "@/db/queries/review";
import { ClaimItemButton } from "@/components/review/claim-item-button";
import { ContributionsPanel } from "@/components/review/contributions-panel";
import { DecisionForm } from "@/components/review/decision-form";
import { ItemInputsTable } from "@/components/review/item-inputs-table";
import { REASON_LABELS } from "@/components/review/review-queue-table";
import { SimilarCasesTable } from "@/components/review/similar-cases-table";
import { Badge } from "@/components/ui/badge";
import { LoadingBlock } from "@/components/ui/loading-block";
import { PageHeader } from "@/components/ui/page-header";
import { formatDateTime, formatPercent } from "@/lib/format";
import { can } from "@/lib/permissions";
import { claimReviewItemAction, decideReviewItemAction, releaseReviewItemAction, skipReviewItemAction } from "../actions";

export const metadata: Metadata = { title: "Review item" };

export default async function ReviewItemPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePermission("review.read");
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const db = getDb();
  const item = await getReviewItemDetail(db, id.data);
  if (!item) notFound();
  // Not awaited: both stream in behind their own Suspense boundary, so the item and the decision form show at once.
  const explanation = explainReviewItem(db, item);
  const similar = findSimilarCases(db, item);
  const mine = item.status === "claimed" && item.claimedBy === user.id;
  // "n left" while deciding: what the queue could hand out after this one.
  const left = mine ? (await countOpenReviewItems(db)).available : 0;
  const otherLabel = item.label === item.positiveLabel ? item.negativeLabel : item.positiveLabel;
  return (
    <div className="stack">
      <PageHeader
        title={`Review ${item.id.slice(0, 8)}`}
        description={
          <>
            {item.modelName} · version <span className="mono">{item.modelVersion ?? "fallback rules"}</span> · routed for{" "}
            <strong>{REASON_LABELS[item.reason]}</strong>
          </>
        }
        actions={
          <Link className="button" href="/review">
            Back to the queue
          </Link>
        }
      />
      <div className="grid-2">
        <section className="card" aria-labelledby="prediction-heading">
          <h2 id="prediction-heading">Prediction</h2>
          <dl className="facts">
            <div>
              <dt>Model label</dt>
              <dd>{item.label}</dd>
            </div>
            <div>
              <dt>Probability of “{item.positiveLabel}”</dt>
              <dd>{formatPercent(item.probability)}</dd>
            </div>
            <div>
              <dt>Confidence</dt>
              <dd>{formatPercent(item.confidence)}</dd>
            </div>
            <div>
              <dt>Answered by</dt>
              <dd>{item.role}</dd>
            </div>
            <div>
              <dt>Due</dt>
              <dd>{formatDateTime(item.dueAt)}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>{item.status === "claimed" ? `claimed by ${mine ? "you" : item.claimedByName}` : item.status}</dd>
            </div>
          </dl>
          {Object.keys(item.attributes).length > 0 ? (
            <p className="muted" style={{ marginBottom: 0 }}>
              Context (not model inputs):{" "}
              {Object.entries(item.attributes)
                .map(([key, value]) => `${key} = ${value}`)
                .join(", ")}
            </p>
          ) : null}
        </section>
        {item.status === "decided" ? (
          <section className="card" aria-labelledby="decided-heading">
            <h2 id="decided-heading">Decided</h2>
            <p>
              <Badge tone={item.decision === "override" ? "warn" : "ok"}>{item.decision}</Badge> final label{" "}
              <strong>{item.finalLabel}</strong>
            </p>
            <p className="muted">
              By {item.decidedByName} at {formatDateTime(item.decidedAt)}
              {item.reasonCode ? ` · reason: ${item.reasonCode}` : ""}
            </p>
            {item.comment ? <p>{item.comment}</p> : null}
          </section>
        ) : mine ? (
          <DecisionForm
            itemId={item.id}
            modelLabel={item.label}
            otherLabel={otherLabel}
            left={left}
            decide={decideReviewItemAction}
            release={releaseReviewItemAction}
            skip={skipReviewItemAction}
          />
        ) : can(user.roles, "review.decide") && item.status === "open" ? (
          <section className="card">
            <h2>Decision</h2>
            <ClaimItemButton id={item.id} claim={claimReviewItemAction} />
          </section>
        ) : (
          <section className="card">
            <h2>Decision</h2>
            <p className="muted">
              {item.status === "claimed" ? `${item.claimedByName} is working on this item.` : "Only review analysts decide items."}
            </p>
          </section>
        )}
      </div>
      <section aria-labelledby="inputs-heading">
        <h2 id="inputs-heading">Inputs</h2>
        <ItemInputsTable features={item.features} />
      </section>
      <section className="card" aria-labelledby="contributions-heading">
        <h2 id="contributions-heading">Why the model said this</h2>
        <Suspense fallback={<LoadingBlock rows={3} label="Computing feature contributions" />}>
          <ContributionsPanel explanation={explanation} positiveLabel={item.positiveLabel} negativeLabel={item.negativeLabel} />
        </Suspense>
      </section>
      <section aria-labelledby="similar-heading">
        <h2 id="similar-heading">Similar decided cases</h2>
        <p className="muted" style={{ marginTop: -6 }}>
          The five decided items of this model version nearest to this one: Euclidean distance over the model inputs, each divided by its
          standard deviation in the reference data.
        </p>
        <Suspense fallback={<LoadingBlock rows={2} label="Finding similar decided cases" />}>
          <SimilarCasesTable similar={similar} />
        </Suspense>
      </section>
    </div>
  );
}
