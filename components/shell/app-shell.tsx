import type { ReactNode } from "react";
import { ROLE_LABELS, type TRole } from "@/lib/roles";
import { NavLinks } from "./nav-links";
import { SignOutButton } from "./sign-out-button";

/** A navigation link; `count` is shown beside the label (already formatted) and described in words for screen readers. */
export type TNavItem = { href: string; label: string; count?: { value: string; description: string; attention?: boolean } };

export function AppShell({
  user,
  nav,
  children,
}: {
  user: { name: string; email: string; roles: TRole[] };
  nav: TNavItem[];
  children: ReactNode;
}) {
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Oversight
        </div>
        <nav aria-label="Main">
          <NavLinks items={nav} />
        </nav>
        <div className="user-box">
          <div className="name">{user.name}</div>
          <div className="roles" data-testid="user-roles">
            {user.roles.length > 0 ? user.roles.map((role) => ROLE_LABELS[role]).join(", ") : "No role yet"}
          </div>
          <SignOutButton />
        </div>
      </aside>
      <main className="main">{children}</main>
    </div>
  );
}
