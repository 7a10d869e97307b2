import type { TRole } from "../roles";

export type TUserDto = { id: string; email: string; name: string; roles: TRole[]; disabled: boolean; lastSignInAt: Date | null };
