import type { ReactNode } from "react";
import { requireUser } from "@/app/_server/auth";
import { AppShell, type TNavItem } from "@/components/shell/app-shell";
import { QueryProvider } from "@/components/providers/query-provider";
import { getDb } from "@/db/client";
import { getNavCounts } from "@/db/queries/home";
import { formatCount } from "@/lib/format";
import { can, SECTIONS, visibleSections, type TSection } from "@/lib/permissions";

const plural = (count: number, one: string, many: string) => `${formatCount(count)} ${count === 1 ? one : many}`;

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const sections = visibleSections(user.roles);
  // Counts per role, server-side, in one cheap query; a role that does not see a section does not pay for its count.
  const counts =
    user.roles.length === 0
      ? null
      : await getNavCounts(getDb(), {
          userId: user.id,
          roles: user.roles,
          canVote: can(user.roles, "version.vote"),
          canReview: sections.includes("review"),
        });
  const countOf: Partial<Record<TSection | "home", TNavItem["count"]>> = {};
  if (counts?.awaitingMyVote)
    countOf.home = {
      value: formatCount(counts.awaitingMyVote),
      description: plural(counts.awaitingMyVote, "version awaits your vote", "versions await your vote"),
      attention: true,
    };
  if (counts?.openReviewItems)
    countOf.review = { value: formatCount(counts.openReviewItems), description: plural(counts.openReviewItems, "open item", "open items") };
  if (counts?.openAlerts)
    countOf.alerts = { value: formatCount(counts.openAlerts), description: plural(counts.openAlerts, "open alert", "open alerts") };
  const nav: TNavItem[] = [
    ...(user.roles.length ? [{ href: "/", label: "Home", count: countOf.home }] : []),
    ...sections.map((section) => ({ href: SECTIONS[section].href, label: SECTIONS[section].label, count: countOf[section] })),
  ];
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
