import type { ReactNode } from "react";
import { requireUser } from "@/app/_server/auth";
import { AppShell } from "@/components/shell/app-shell";
import { QueryProvider } from "@/components/providers/query-provider";
import { SECTIONS, visibleSections } from "@/lib/permissions";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const nav = visibleSections(user.roles).map((section) => ({ href: SECTIONS[section].href, label: SECTIONS[section].label }));
  return (
    <AppShell user={user} nav={nav}>
      {user.roles.length === 0 ? (
        <p className="callout info">Your account has no role yet. Ask an admin to grant you one.</p>
      ) : (
        <QueryProvider>{children}</QueryProvider>
      )}
    </AppShell>
  );
}
