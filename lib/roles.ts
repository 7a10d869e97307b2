import { z } from "zod";

/** The people's roles (ARCHITECTURE.md, "Adding a role"). A user may hold several. */
export const ROLES = ["admin", "scientist", "committee", "analyst", "executive"] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

export const ROLE_LABELS: Record<TRole, string> = {
  admin: "Admin",
  scientist: "Data scientist",
  committee: "Governance committee",
  analyst: "Review analyst",
  executive: "Executive",
};

/** How a sentence names someone holding the role: "Only the governance committee may …". */
export const ROLE_PHRASES: Record<TRole, string> = {
  admin: "an admin",
  scientist: "a data scientist",
  committee: "the governance committee",
  analyst: "a review analyst",
  executive: "an executive",
};
