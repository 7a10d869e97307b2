"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/app/_server/action";
import { appendAuditRecord } from "@/db/audit";
import { getModelBySlug, updateModelRow } from "@/db/queries/registry";
import { DomainError } from "@/lib/errors";
import { ZCostSettings } from "@/lib/cost/projection";
import { BASELINE_POLICIES, numericInputNames, ZValueMatrix } from "@/lib/cost/value";
import { getChampionInputSchema } from "@/db/queries/cost-inputs";

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
  reviewCostPerItemUsd: money("Review cost"),
  retrainingCostUsd: money("Retraining cost"),
  retrainingCadenceMonths: z.coerce
    .number({ error: "Cadence is a whole number of months" })
    .int("Cadence is a whole number of months")
    .min(1, "At least one month")
    .max(60, "At most 60 months"),
});

// A cell of the value matrix may be negative (a loss); a blank scaling input means flat USD.
const cell = (label: string) =>
  z.coerce
    .number({ error: `${label} is a number` })
    .refine(Number.isFinite, `${label} is a number`)
    .min(-1e9, `${label} is too small`)
    .max(1e9, `${label} is too large`);
const ZValueMatrixForm = z.object({
  truePositiveUsd: cell("Value of a true positive"),
  falsePositiveUsd: cell("Value of a false positive"),
  trueNegativeUsd: cell("Value of a true negative"),
  falseNegativeUsd: cell("Value of a false negative"),
  scaleInput: z
    .string()
    .trim()
    .max(100, "Scaling input is too long")
    .transform((value) => (value === "" ? null : value)),
  baseline: z.enum(BASELINE_POLICIES, { error: "Choose a baseline policy" }),
});

const saveCostSettings = defineAction({
  name: "models.cost_settings_saved",
  permission: "cost.edit",
  // Flat, so each field's error comes back under its own name.
  input: ZCostSettingsForm.extend(ZValueMatrixForm.shape).extend({ modelSlug: z.string().min(1).max(64) }),
  handler: async ({ user, input, db }) => {
    await db.transaction(async (tx) => {
      const model = await getModelBySlug(tx, input.modelSlug);
      if (!model) throw new DomainError("model_not_found", `No model named '${input.modelSlug}'.`, 404);
      const {
        modelSlug: _slug,
        truePositiveUsd,
        falsePositiveUsd,
        trueNegativeUsd,
        falseNegativeUsd,
        scaleInput,
        baseline,
        ...fields
      } = input;
      if (scaleInput !== null && !numericInputNames(await getChampionInputSchema(tx, model.id)).includes(scaleInput)) {
        throw new DomainError("invalid_input", `Scaling input '${scaleInput}' is not a numeric input of the champion.`, 400, {
          scaleInput: ["Choose a numeric input of the champion"],
        });
      }
      const before = { ...ZCostSettings.parse(model.costSettings ?? {}), valueMatrix: ZValueMatrix.parse(model.valueMatrix ?? {}) };
      const costSettings = ZCostSettings.parse(fields);
      const valueMatrix = ZValueMatrix.parse({
        truePositiveUsd,
        falsePositiveUsd,
        trueNegativeUsd,
        falseNegativeUsd,
        scaleInput,
        baseline,
      });
      const after = { ...costSettings, valueMatrix };
      await updateModelRow(tx, model.id, { costSettings, valueMatrix });
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
