"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/app/_server/action";
import { appEnv } from "@/app/_server/env";
import { appendAuditRecord } from "@/db/audit";
import { claimNextReviewItem, claimReviewItem, decideReviewItem, getReviewItemDetail } from "@/db/queries/review";
import { releaseReviewItem, skipReviewItem } from "@/db/writes/review";
import { DomainError } from "@/lib/errors";
import { ZSkippedIds } from "@/lib/review/queue-query";
import { OVERRIDE_REASON_CODES } from "@/lib/review/sla";

const CLAIM_MINUTES = appEnv().reviewClaimMinutes;

const claimNext = defineAction({
  name: "review.claim_next",
  permission: "review.decide",
  input: z.object({ modelSlug: z.string().max(64).optional(), skippedIds: ZSkippedIds.optional() }),
  handler: async ({ user, input, db }) => ({
    id: await db.transaction((tx) =>
      claimNextReviewItem(tx, { userId: user.id, claimMinutes: CLAIM_MINUTES, modelSlug: input.modelSlug, excludeIds: input.skippedIds }),
    ),
  }),
});

const release = defineAction({
  name: "review.release",
  permission: "review.decide",
  input: z.object({ id: z.uuid({ error: "id must be a review item id" }) }),
  handler: async ({ user, input, db }) => {
    await releaseReviewItem(db, { id: input.id, analyst: { id: user.id, email: user.email } });
    revalidatePath("/review");
    return { id: input.id };
  },
});

// The browser session remembers what its analyst skipped (sessionStorage) and sends it along, so those are not handed back.
const skip = defineAction({
  name: "review.skip",
  permission: "review.decide",
  input: z.object({ id: z.uuid({ error: "id must be a review item id" }), skippedIds: ZSkippedIds.optional() }),
  handler: async ({ user, input, db }) => {
    const nextId = await skipReviewItem(db, {
      id: input.id,
      analyst: { id: user.id, email: user.email },
      claimMinutes: CLAIM_MINUTES,
      skippedIds: input.skippedIds,
    });
    revalidatePath("/review");
    return { nextId };
  },
});

const claimOne = defineAction({
  name: "review.claim",
  permission: "review.decide",
  input: z.object({ id: z.uuid({ error: "id must be a review item id" }) }),
  handler: async ({ user, input, db }) => {
    await db.transaction((tx) => claimReviewItem(tx, { id: input.id, userId: user.id, claimMinutes: CLAIM_MINUTES }));
    revalidatePath(`/review/${input.id}`);
    return { id: input.id };
  },
});

const ZDecideInput = z
  .object({
    id: z.uuid({ error: "id must be a review item id" }),
    decision: z.enum(["accept", "override"], { error: "decision must be accept or override" }),
    reasonCode: z
      .enum(Object.keys(OVERRIDE_REASON_CODES) as [keyof typeof OVERRIDE_REASON_CODES], { error: "choose a reason code" })
      .optional(),
    comment: z.string().trim().max(2000, "comment must be at most 2,000 characters").optional(),
    skippedIds: ZSkippedIds.optional(),
  })
  .refine((input) => input.decision === "accept" || input.reasonCode, {
    path: ["reasonCode"],
    message: "An override needs a reason code.",
  });

const decide = defineAction({
  name: "review.decide",
  permission: "review.decide",
  input: ZDecideInput,
  handler: async ({ user, input, db }) => {
    const next = await db.transaction(async (tx) => {
      const item = await getReviewItemDetail(tx, input.id);
      if (!item) throw new DomainError("review_item_not_found", "That review item does not exist.", 404);
      const modelPositive = item.label === item.positiveLabel;
      const finalIsPositive = input.decision === "accept" ? modelPositive : !modelPositive;
      const finalLabel = finalIsPositive ? item.positiveLabel : item.negativeLabel;
      await decideReviewItem(tx, {
        id: input.id,
        userId: user.id,
        decision: input.decision,
        finalLabel,
        labelValue: finalIsPositive ? 1 : 0,
        reasonCode: input.reasonCode ?? null,
        comment: input.comment || null,
      });
      await appendAuditRecord(tx, {
        actorId: user.id,
        actorLabel: user.email,
        action: "review.decided",
        subjectType: "review_item",
        subjectId: input.id,
        input: {
          decision: input.decision,
          modelLabel: item.label,
          finalLabel,
          reasonCode: input.reasonCode ?? null,
          predictionId: item.predictionId,
        },
      });
      // The annotation-tool flow: deciding takes the next item straight away.
      return claimNextReviewItem(tx, { userId: user.id, claimMinutes: CLAIM_MINUTES, excludeIds: input.skippedIds });
    });
    revalidatePath("/review");
    return { nextId: next };
  },
});

export async function claimNextAction(input: { modelSlug?: string; skippedIds?: string[] }) {
  return claimNext(input);
}
export async function releaseReviewItemAction(input: { id: string }) {
  return release(input);
}
export async function skipReviewItemAction(input: { id: string; skippedIds?: string[] }) {
  return skip(input);
}
export async function claimReviewItemAction(input: { id: string }) {
  return claimOne(input);
}
export async function decideReviewItemAction(input: {
  id: string;
  decision: string;
  reasonCode?: string;
  comment?: string;
  skippedIds?: string[];
}) {
  return decide(input);
}
