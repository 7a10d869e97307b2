import { eq } from "drizzle-orm";
import { DomainError } from "@/lib/errors";
import { appendAuditRecord } from "../audit";
import type { TDb } from "../connection";
import { claimNextReviewItem } from "../queries/review";
import { reviewItems } from "../schema";

type TAnalyst = { id: string; email: string };

/**
 * Gives a claimed item back to the queue: claim cleared, claimable by anyone at once, audited in
 * the same transaction. Only the analyst who holds the claim may release it; a claim that expired
 * and was taken by someone else is theirs now.
 */
export async function releaseReviewItem(db: TDb, input: { id: string; analyst: TAnalyst; action?: "review.released" | "review.skipped" }) {
  return db.transaction(async (tx) => {
    const [item] = await tx.select().from(reviewItems).where(eq(reviewItems.id, input.id)).for("update");
    if (!item) throw new DomainError("review_item_not_found", "That review item does not exist.", 404);
    if (item.status === "decided") throw new DomainError("review_item_decided", "This item has already been decided.", 409);
    if (item.status !== "claimed" || item.claimedBy !== input.analyst.id) {
      throw new DomainError("review_item_not_claimed", "You do not hold this item (your claim may have expired and been taken).", 409);
    }
    await tx.update(reviewItems).set({ status: "open", claimedBy: null, claimExpiresAt: null }).where(eq(reviewItems.id, input.id));
    await appendAuditRecord(tx, {
      actorId: input.analyst.id,
      actorLabel: input.analyst.email,
      action: input.action ?? "review.released",
      subjectType: "review_item",
      subjectId: input.id,
      modelId: item.modelId,
      // Whether the claim had run out: releasing then only tidies up what the queue already treats as open.
      input: { claimExpired: item.claimExpiresAt !== null && item.claimExpiresAt < new Date() },
    });
  });
}

/**
 * Skips a claimed item: released as by releaseReviewItem (audited as review.skipped), then the
 * next item is claimed for the analyst, never this one nor any in `skippedIds` (the items they
 * skipped earlier in the session). Returns the next item's id, or null when nothing else is left.
 */
export async function skipReviewItem(
  db: TDb,
  input: { id: string; analyst: TAnalyst; claimMinutes: number; skippedIds?: readonly string[]; modelSlug?: string },
): Promise<string | null> {
  return db.transaction(async (tx) => {
    await releaseReviewItem(tx, { id: input.id, analyst: input.analyst, action: "review.skipped" });
    return claimNextReviewItem(tx, {
      userId: input.analyst.id,
      claimMinutes: input.claimMinutes,
      modelSlug: input.modelSlug,
      excludeIds: [...(input.skippedIds ?? []), input.id],
    });
  });
}
