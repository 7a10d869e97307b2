import type { TRole } from "../roles";

export type TUserDto = { id: string; email: string; name: string; roles: TRole[]; disabled: boolean; lastSignInAt: Date | null };

/** An API key as the admin page lists it: never the key itself, only its prefix. */
export type TApiKeyListItem = {
  id: string;
  name: string;
  keyPrefix: string;
  scopes: string[];
  modelIds: string[] | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};
