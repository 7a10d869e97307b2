import type { Metadata } from "next";
import Link from "next/link";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { listModelHealth } from "@/db/queries/health";
import { listModelPortfolio } from "@/db/queries/models";
import { PortfolioFilters } from "@/components/models/portfolio-filters";
import { PortfolioTable } from "@/components/models/portfolio-table";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/permissions";
import { applyPortfolioQuery, parsePortfolioQuery, type TPortfolioRow } from "@/lib/portfolio/view";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePermission("models.read");
  const db = getDb();
  const query = parsePortfolioQuery(await searchParams);
  const [facts, healthRows] = await Promise.all([listModelPortfolio(db), listModelHealth(db)]);
  // Health from open incidents (db/queries/health.ts), the classification /kpis shows too.
  const health = new Map(healthRows.map((row) => [row.modelId, row]));
  const rows: TPortfolioRow[] = facts.map((model) => ({
    ...model,
    health: health.get(model.id)?.health ?? "healthy",
    healthReasons: health.get(model.id)?.reasons ?? [],
  }));
  const shown = applyPortfolioQuery(rows, query);
  return (
    <div className="stack">
      <PageHeader
        title="Models"
        description="Every governed model: its risk tier, health, champion and challenger, the latest daily drift, fairness and performance, what is open on it and its traffic. Click a column to sort."
        actions={
          can(user.roles, "model.create") ? (
            <Link className="button primary" href="/models/new">
              New model
            </Link>
          ) : null
        }
      />
      {rows.length > 0 ? <PortfolioFilters query={query} shown={shown.length} total={rows.length} /> : null}
      <PortfolioTable rows={shown} total={rows.length} query={query} />
    </div>
  );
}
