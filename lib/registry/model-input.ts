import { z } from "zod";

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

export const ZCreateModelInput = z.object({
  slug: ZModelSlug,
  displayName: z.string().trim().min(3, "displayName must be at least 3 characters").max(120),
  description: z.string().trim().max(2000).default(""),
  riskTier: ZRiskTier,
  useCase: z.string().trim().max(500).default(""),
  businessKpi: z.string().trim().max(500).default(""),
});

export const ZUpdateModelInput = ZCreateModelInput.omit({ slug: true }).partial();
