"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/app/_server/action";
import { appendAuditRecord } from "@/db/audit";
import { getAlertRule, insertAlertRules, replaceAlertChannel, setAlertRuleEnabled } from "@/db/queries/alert-rules";
import { getModelBySlug } from "@/db/queries/registry";
import type { TDb } from "@/db/connection";
import { DomainError } from "@/lib/errors";
import { ZAlertRuleInput } from "@/lib/monitoring/alert-rules";

const ZSlug = z.string().min(1).max(64);

async function getModelOrThrow(db: TDb, slug: string) {
  const model = await getModelBySlug(db, slug);
  if (!model) throw new DomainError("model_not_found", `No model named '${slug}'.`, 404);
  return model;
}

const createRule = defineAction({
  name: "alerts.rule_created",
  permission: "alert_rules.edit",
  input: z.object({ modelSlug: ZSlug, rule: ZAlertRuleInput }),
  handler: async ({ user, input, db }) => {
    const id = await db.transaction(async (tx) => {
      const model = await getModelOrThrow(tx, input.modelSlug);
      const [row] = await insertAlertRules(tx, model.id, [input.rule]);
      await appendAuditRecord(tx, {
        actorId: user.id,
        actorLabel: user.email,
        action: "alert_rule.created",
        subjectType: "alert_rule",
        subjectId: row.id,
        modelId: model.id,
        input: input.rule,
      });
      return row.id;
    });
    revalidatePath(`/models/${input.modelSlug}/monitoring`);
    return { id };
  },
});

const toggleRule = defineAction({
  name: "alerts.rule_toggled",
  permission: "alert_rules.edit",
  input: z.object({ modelSlug: ZSlug, id: z.uuid({ error: "id must be a rule id" }), enabled: z.boolean() }),
  handler: async ({ user, input, db }) => {
    await db.transaction(async (tx) => {
      const model = await getModelOrThrow(tx, input.modelSlug);
      const rule = await getAlertRule(tx, input.id);
      if (!rule || rule.modelId !== model.id) throw new DomainError("rule_not_found", "That rule does not exist for this model.", 404);
      await setAlertRuleEnabled(tx, input.id, input.enabled);
      await appendAuditRecord(tx, {
        actorId: user.id,
        actorLabel: user.email,
        action: input.enabled ? "alert_rule.enabled" : "alert_rule.disabled",
        subjectType: "alert_rule",
        subjectId: input.id,
        modelId: model.id,
        input: { name: rule.name },
      });
    });
    revalidatePath(`/models/${input.modelSlug}/monitoring`);
    return { id: input.id };
  },
});

const ZUrl = z.union([z.literal(""), z.url({ protocol: /^https?$/, error: "use an http(s) URL" }).max(500)]);

const saveChannels = defineAction({
  name: "alerts.channels_saved",
  permission: "alert_rules.edit",
  // A blank URL keeps the current one: stored URLs never go back to the browser (Slack's carry a token).
  input: z.object({
    modelSlug: ZSlug,
    webhookUrl: ZUrl,
    retrainingUrl: ZUrl,
    removeWebhook: z.boolean().default(false),
    removeRetraining: z.boolean().default(false),
  }),
  handler: async ({ user, input, db }) => {
    const changes: Record<string, string> = {};
    await db.transaction(async (tx) => {
      const model = await getModelOrThrow(tx, input.modelSlug);
      for (const [kind, url, remove] of [
        ["webhook", input.webhookUrl, input.removeWebhook],
        ["retraining", input.retrainingUrl, input.removeRetraining],
      ] as const) {
        if (remove) changes[kind] = "removed";
        else if (url) changes[kind] = "set";
        else continue;
        await replaceAlertChannel(tx, { modelId: model.id, kind, url: remove ? null : url });
      }
      if (Object.keys(changes).length === 0) throw new DomainError("nothing_to_save", "Enter a URL or choose to remove one.", 422);
      // The audit records what changed, not the URLs.
      await appendAuditRecord(tx, {
        actorId: user.id,
        actorLabel: user.email,
        action: "alert_channels.saved",
        subjectType: "model",
        subjectId: model.id,
        modelId: model.id,
        input: changes,
      });
    });
    revalidatePath(`/models/${input.modelSlug}/monitoring`);
    return changes;
  },
});

export async function createAlertRuleAction(input: { modelSlug: string; rule: Record<string, unknown> }) {
  return createRule(input);
}
export async function toggleAlertRuleAction(input: { modelSlug: string; id: string; enabled: boolean }) {
  return toggleRule(input);
}
export async function saveAlertChannelsAction(input: {
  modelSlug: string;
  webhookUrl: string;
  retrainingUrl: string;
  removeWebhook: boolean;
  removeRetraining: boolean;
}) {
  return saveChannels(input);
}
