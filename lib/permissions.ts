import type { TRole } from "./roles";

/** The sections of the console and the roles that may open them (checked on the server). */
export const SECTIONS = {
  models: { label: "Models", href: "/models", roles: ["admin", "scientist", "committee", "analyst", "executive"] },
  review: { label: "Review queue", href: "/review", roles: ["admin", "committee", "analyst"] },
  alerts: { label: "Alerts", href: "/alerts", roles: ["admin", "scientist", "committee", "analyst", "executive"] },
  audit: { label: "Audit trail", href: "/audit", roles: ["admin", "committee"] },
  kpis: { label: "KPIs", href: "/kpis", roles: ["admin", "committee", "executive"] },
  admin: { label: "Admin", href: "/admin", roles: ["admin"] },
} as const satisfies Record<string, { label: string; href: string; roles: readonly TRole[] }>;

export type TSection = keyof typeof SECTIONS;

/** Sections a user with these roles may open, in navigation order. */
export function visibleSections(roles: readonly TRole[]): TSection[] {
  return (Object.keys(SECTIONS) as TSection[]).filter((section) =>
    SECTIONS[section].roles.some((role: TRole) => roles.includes(role)),
  );
}
