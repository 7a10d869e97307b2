import type { Metadata } from "next";
import { notFound } from "next/navigation";
import semver from "semver";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { listModelVersions } from "@/db/queries/models";
import { RegisterVersionForm } from "@/components/registry/register-version-form";
import type { TSchemaValue } from "@/components/registry/schema-table";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Register a version" };

export default async function RegisterVersionPage({ params }: { params: Promise<{ slug: string }> }) {
  await requirePermission("version.register");
  const { slug } = await params;
  const versions = await listModelVersions(getDb(), slug);
  if (!versions) notFound();
  // The form starts from the latest version's schema and card: most versions change little.
  const latest = versions[0];
  const training = (latest?.trainingData ?? {}) as Record<string, unknown>;
  const defaults = {
    version: latest ? (semver.inc(latest.version, "minor") ?? "") : "1.0.0",
    // A first version starts empty: the table proposes the schema from the ONNX file and the labelled CSV.
    schema: {
      inputSchema: (latest?.inputSchema as TSchemaValue["inputSchema"] | undefined) ?? { features: [] },
      outputSchema: (latest?.outputSchema as TSchemaValue["outputSchema"] | undefined) ?? {
        probabilityOutput: "probabilities",
        positiveLabel: "1",
        negativeLabel: "0",
        threshold: 0.5,
      },
    },
    trainingData: Object.fromEntries(Object.entries(training).map(([key, value]) => [key, String(value)])),
    hyperparametersJson: JSON.stringify(latest?.hyperparameters ?? {}, null, 2),
    offlineMetricsJson: JSON.stringify(latest?.offlineMetrics ?? {}, null, 2),
    card: Object.fromEntries(Object.entries((latest?.card ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)])),
  };
  return (
    <>
      <PageHeader
        title={`Register a version of ${slug}`}
        description="Choose the ONNX file and a labelled reference CSV, propose the schema from them and review it. The ONNX file is opened with onnxruntime (a scikit-learn ZipMap is removed), checked against the schema and run on the reference data. Nothing is stored if a check fails."
      />
      <RegisterVersionForm modelSlug={slug} defaults={defaults} />
    </>
  );
}
