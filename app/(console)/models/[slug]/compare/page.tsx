import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { listModelVersions } from "@/db/queries/models";
import { VersionDiff } from "@/components/models/version-diff";
import { PageHeader } from "@/components/ui/page-header";
import { diffVersions } from "@/lib/registry/diff";

export const metadata: Metadata = { title: "Compare versions" };

export default async function CompareVersionsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ a?: string; b?: string }>;
}) {
  await requirePermission("models.read");
  const { slug } = await params;
  const query = await searchParams;
  const versions = await listModelVersions(getDb(), slug);
  if (!versions) notFound();
  // Default: the latest version against the one before it.
  const after = versions.find((version) => version.version === query.b) ?? versions[0];
  const before = versions.find((version) => version.version === query.a) ?? versions[1] ?? versions[0];
  return (
    <div className="stack">
      <PageHeader
        title={`Compare versions of ${slug}`}
        description="Schema, hyperparameters and offline metrics, field by field."
        actions={
          <Link className="button" href={`/models/${slug}`}>
            Back to the model
          </Link>
        }
      />
      <form method="get" className="card filter-bar" aria-label="Choose versions">
        <div className="field">
          <label htmlFor="a">From</label>
          <select id="a" name="a" defaultValue={before?.version}>
            {versions.map((version) => (
              <option key={version.id}>{version.version}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="b">To</label>
          <select id="b" name="b" defaultValue={after?.version}>
            {versions.map((version) => (
              <option key={version.id}>{version.version}</option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit" className="button primary">
            Compare
          </button>
        </div>
      </form>
      {before && after ? <VersionDiff entries={diffVersions(before, after)} before={before.version} after={after.version} /> : null}
    </div>
  );
}
