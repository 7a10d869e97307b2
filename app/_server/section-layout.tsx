import "server-only";
import type { ReactNode } from "react";
import { SECTIONS, type TSection } from "@/lib/permissions";
import { requirePermission } from "./auth";

/**
 * The layout of a console section. Its check runs above the section's loading boundary, so a
 * role without the section gets a real HTTP 403 rather than a streamed 200. It is not what
 * protects the data: client navigations skip layouts, so every page checks again itself.
 */
export function createSectionLayout(section: TSection) {
  return async function SectionLayout({ children }: { children: ReactNode }) {
    await requirePermission(SECTIONS[section].permission);
    return children;
  };
}
