import { z } from "zod";
import { safeText } from "@/lib/validation/edge";

/** A model's name in URLs and APIs: lowercase words joined by single hyphens. */
export const ZModelSlug = z
  .string()
  .min(3, "slug must be at least 3 characters")
  .max(64, "slug must be at most 64 characters")
  .regex(
    /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
    "slug is lowercase letters and digits in words joined by single hyphens, starting with a letter (e.g. credit-default)",
  );

const ZRiskTier = z.enum(["low", "medium", "high"], { error: "riskTier must be low, medium or high" });

// The descriptive fields without defaults: an update changes only what it is sent.
const modelFields = {
  displayName: safeText().trim().min(3, "displayName must be at least 3 characters").max(120),
  description: safeText().trim().max(2000),
  riskTier: ZRiskTier,
  useCase: safeText().trim().max(500),
  businessKpi: safeText().trim().max(500),
  /** The owner's email, an Oversight user: an API key or the CLI has no user to default to. Empty means unchanged. */
  owner: z.email({ error: "owner must be the email of an Oversight user" }).max(254).or(z.literal("")).optional(),
};

export const ZCreateModelInput = z.object({
  slug: ZModelSlug,
  ...modelFields,
  description: modelFields.description.default(""),
  useCase: modelFields.useCase.default(""),
  businessKpi: modelFields.businessKpi.default(""),
});

export const ZUpdateModelInput = z.object(modelFields).partial();
