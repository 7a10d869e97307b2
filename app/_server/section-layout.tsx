import "server-only";
import type { ReactNode } from "react";
import type { TSection } from "@/lib/permissions";
import { requireSection } from "./auth";

/**
 * The layout of a console section. The role check runs in the layout, above the section's
 * loading boundary, so a refusal is a real HTTP 403 rather than a streamed 200.
 */
export function createSectionLayout(section: TSection) {
  return async function SectionLayout({ children }: { children: ReactNode }) {
    await requireSection(section);
    return children;
  };
}
