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
