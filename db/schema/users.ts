import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { TRole } from "@/lib/roles";
import { createdAt, updatedAt } from "./columns";

export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  // bcrypt hash; null for users who only sign in through OIDC.
  passwordHash: text("password_hash"),
  roles: text("roles")
    .array()
    .$type<TRole[]>()
    .notNull()
    .default(sql`'{}'::text[]`),
  disabledAt: timestamp("disabled_at", { withTimezone: true }),
  // Incremented by disabling: every session token issued with an older value is refused.
  sessionVersion: integer("session_version").notNull().default(0),
  lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
  // A single sign-on identity: (issuer, subject), stored on first sign-in (migration 0014; unique where set).
  oidcIssuer: text("oidc_issuer"),
  oidcSubject: text("oidc_subject"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    // The first characters of the key, shown in the UI and used to find the row; the rest is only hashed.
    keyPrefix: text("key_prefix").notNull().unique(),
    // SHA-256 of the whole key: keys are 32 random bytes, so a slow hash adds nothing.
    keyHash: text("key_hash").notNull(),
    // Models this key may use; null means every model.
    modelIds: uuid("model_ids").array(),
    scopes: text("scopes").array().notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [index("api_keys_created_by_idx").on(table.createdBy)],
);

// Failed sign-ins per account and per client address, in the database so that every app process
// sees the same count. A row is the state of lib/audit/sign-in.ts's nextSignInThrottleState.
export const signInThrottles = pgTable("sign_in_throttles", {
  // "account:<normalised email>" or "address:<client address>".
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  lastFailureAt: timestamp("last_failure_at", { withTimezone: true }).notNull(),
  blockedUntil: timestamp("blocked_until", { withTimezone: true }),
});

/**
 * Sessions ended by sign-out before their maximum age. Sessions are stateless JWTs with a random
 * session id; a token whose id is here is refused. A row is useless once the session would have
 * expired anyway (expires_at) and is deleted then.
 */
export const revokedSessions = pgTable(
  "revoked_sessions",
  {
    sessionId: uuid("session_id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("revoked_sessions_expires_at_idx").on(table.expiresAt)],
);
