"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/app/_server/action";
import { appendAuditRecord } from "@/db/audit";
import { getModelBySlug, updateModelRow } from "@/db/queries/registry";
import { DomainError } from "@/lib/errors";
import { ZCostSettings } from "@/lib/cost/projection";

// Form fields arrive as text: coerce, then hold them to the same bounds as ZCostSettings.
const money = (label: string) =>
  z.coerce
    .number({ error: `${label} is a number` })
    .refine(Number.isFinite, `${label} is a number`)
    .min(0, `${label} cannot be negative`)
    .max(1e9, `${label} is too large`);
const ZCostSettingsForm = z.object({
  instancePricePerHourUsd: money("Instance price"),
  instances: z.coerce
    .number({ error: "Instances is a whole number" })
    .int("Instances is a whole number")
    .min(1, "At least one instance")
    .max(10_000),
  costPerFalsePositiveUsd: money("Cost of a false positive"),
  costPerFalseNegativeUsd: money("Cost of a false negative"),
  benefitPerTruePositiveUsd: money("Benefit of a true positive"),
  reviewCostPerItemUsd: money("Review cost"),
  retrainingCostUsd: money("Retraining cost"),
  retrainingCadenceMonths: z.coerce
    .number({ error: "Cadence is a whole number of months" })
    .int("Cadence is a whole number of months")
    .min(1, "At least one month")
    .max(60, "At most 60 months"),
});

const saveCostSettings = defineAction({
  name: "models.cost_settings_saved",
  permission: "cost.edit",
  // Flat, so each field's error comes back under its own name.
  input: ZCostSettingsForm.extend({ modelSlug: z.string().min(1).max(64) }),
  handler: async ({ user, input, db }) => {
    await db.transaction(async (tx) => {
      const model = await getModelBySlug(tx, input.modelSlug);
      if (!model) throw new DomainError("model_not_found", `No model named '${input.modelSlug}'.`, 404);
      const before = ZCostSettings.parse(model.costSettings ?? {});
      const { modelSlug: _slug, ...fields } = input;
      const after = ZCostSettings.parse(fields);
      await updateModelRow(tx, model.id, { costSettings: after });
      await appendAuditRecord(tx, {
        actorId: user.id,
        actorLabel: user.email,
        action: "model.cost_settings_changed",
        subjectType: "model",
        subjectId: model.id,
        modelId: model.id,
        input: { before, after },
      });
    });
    revalidatePath(`/models/${input.modelSlug}/cost`);
    return { ok: true };
  },
});

export async function saveCostSettingsAction(input: Record<string, string>) {
  return saveCostSettings(input);
}
