import { ROLE_LABELS, ROLES, type TRole } from "./roles";

/**
 * The one permission table. Every page, server action, REST route and state-machine move asks
 * it through `can()`; a new role, or a changed permission, is a change in this file only.
 *
 * `system` is the worker's jobs (validation, canary guard): it holds only what a job does.
 * `apiKeyScope` is the scope an API key must carry to use the capability over REST or the
 * worker's HTTP API; a capability without one is for people only.
 */
export const ACTOR_ROLES = [...ROLES, "system"] as const;
export type TActorRole = (typeof ACTOR_ROLES)[number];

/** What an API key may do: predict and send outcomes (worker), register models, send business KPIs, read. */
export const API_KEY_SCOPES = ["predict", "outcomes", "registry", "kpis", "read"] as const;
export type TApiKeyScope = (typeof API_KEY_SCOPES)[number];

const EVERYONE = ["admin", "scientist", "committee", "analyst", "executive"] as const satisfies readonly TRole[];

export const PERMISSIONS = {
  // Reading the registry, model cards, monitoring and alerts: every signed-in role.
  "models.read": { roles: EVERYONE, apiKeyScope: "read" },
  "alerts.read": { roles: EVERYONE },
  // Building models: scientists, and admins for the registry's housekeeping.
  "model.create": { roles: ["admin", "scientist"], apiKeyScope: "registry" },
  "model.edit": { roles: ["admin", "scientist"], apiKeyScope: "registry" },
  "version.register": { roles: ["admin", "scientist"], apiKeyScope: "registry" },
  "version.validate": { roles: ["admin", "scientist", "committee", "system"] },
  "version.record_validation": { roles: ["system"] },
  "version.request_approval": { roles: ["admin", "scientist"] },
  // Deciding and moving traffic: the committee. The system may only pull a misbehaving canary.
  "version.vote": { roles: ["committee"] },
  "version.retire_idle": { roles: ["admin", "committee"] },
  "deployment.move": { roles: ["committee"] },
  "deployment.withdraw": { roles: ["committee", "system"] },
  "deployment.kill_switch": { roles: ["committee"] },
  "deployment.fallback_rules": { roles: ["committee"] },
  "policy.edit": { roles: ["admin"] },
  // Data with labels and sensitive attributes leaves the console only for people who build or judge models.
  "data.export_labelled": { roles: ["admin", "scientist", "committee"], apiKeyScope: "read" },
  "alerts.acknowledge": { roles: ["admin", "scientist", "committee", "analyst"] },
  "alert_rules.edit": { roles: ["admin", "scientist", "committee"] },
  "review.read": { roles: ["admin", "committee", "analyst"] },
  "review.decide": { roles: ["analyst"] },
  "audit.read": { roles: ["admin", "committee"] },
  "kpis.read": { roles: ["admin", "committee", "executive"], apiKeyScope: "read" },
  "kpis.write": { roles: ["admin", "scientist", "committee"], apiKeyScope: "kpis" },
  "cost.read": { roles: ["admin", "committee", "executive"] },
  "cost.edit": { roles: ["admin", "committee"] },
  "users.manage": { roles: ["admin"] },
  "api_keys.manage": { roles: ["admin"] },
  // The worker's HTTP API: API keys only.
  "predictions.create": { roles: [], apiKeyScope: "predict" },
  "outcomes.create": { roles: [], apiKeyScope: "outcomes" },
} as const satisfies Record<string, { roles: readonly TActorRole[]; apiKeyScope?: TApiKeyScope }>;

export type TPermission = keyof typeof PERMISSIONS;

/** Whether any of these roles holds the capability. */
export function can(roles: readonly TActorRole[], permission: TPermission): boolean {
  const allowed: readonly TActorRole[] = PERMISSIONS[permission].roles;
  return roles.some((role) => allowed.includes(role));
}

/** The roles that hold a capability, for messages such as "this needs the committee role". */
export function rolesWith(permission: TPermission): readonly TActorRole[] {
  return PERMISSIONS[permission].roles;
}

/** The people's roles that hold any of these capabilities, as words: "Admin or Data scientist" (`system` is no person to ask). */
export function describeRolesWith(permissions: TPermission | readonly TPermission[]): string {
  const roles = ROLES.filter((role) => ([] as TPermission[]).concat(permissions).some((permission) => can([role], permission)));
  return roles.length ? roles.map((role) => ROLE_LABELS[role]).join(" or ") : "API key";
}

/** The API key scope a capability needs, or null when API keys may not use it. */
export function apiKeyScopeOf(permission: TPermission): TApiKeyScope | null {
  const entry = PERMISSIONS[permission] as { apiKeyScope?: TApiKeyScope };
  return entry.apiKeyScope ?? null;
}

/** The sections of the console, in navigation order, and the capability that opens each. */
export const SECTIONS = {
  models: { label: "Models", href: "/models", permission: "models.read" },
  review: { label: "Review queue", href: "/review", permission: "review.read" },
  alerts: { label: "Alerts", href: "/alerts", permission: "alerts.read" },
  audit: { label: "Audit trail", href: "/audit", permission: "audit.read" },
  kpis: { label: "KPIs", href: "/kpis", permission: "kpis.read" },
  admin: { label: "Admin", href: "/admin", permission: "users.manage" },
} as const satisfies Record<string, { label: string; href: string; permission: TPermission }>;

export type TSection = keyof typeof SECTIONS;

/** Sections a user with these roles may open, in navigation order. */
export function visibleSections(roles: readonly TRole[]): TSection[] {
  return (Object.keys(SECTIONS) as TSection[]).filter((section) => can(roles, SECTIONS[section].permission));
}
