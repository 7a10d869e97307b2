"use client";

import { useRef, useState } from "react";
import { Field } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";

type TUploaded = { fileName: string | null; results: Array<{ model: string; received: number; inserted: number; updated: number }> };

const TEMPLATE = "model,date,metric,value,unit\ncredit-default,2026-03-01,approval rate,61.5,%\n";

/** Uploads a KPI CSV through a server action; shows every bad row, or what was stored. */
export function KpiCsvUpload({
  upload,
  maxBytes,
}: {
  upload: (input: { csv: string; fileName?: string }) => Promise<TActionResult<TUploaded>>;
  maxBytes: number;
}) {
  const form = useRef<HTMLFormElement>(null);
  // The bad rows are listed under the message, so they stay out of it.
  const uploading = useAction(async (file: File) => upload({ csv: await file.text(), fileName: file.name }), {
    shownFields: ["csv"],
    onSuccess: () => form.current?.reset(),
  });
  const [clientError, setClientError] = useState<string | null>(null);
  const { pending, state: result } = uploading;

  function onSubmit(data: FormData) {
    const file = data.get("file");
    uploading.reset();
    setClientError(null);
    if (!(file instanceof File) || file.size === 0) return setClientError("Choose a CSV file first.");
    if (file.size > maxBytes)
      return setClientError(
        `The file is larger than ${Math.round(maxBytes / 1024)} KB; split it, or send it through the API (POST /api/v1/models/{name}/kpis).`,
      );
    uploading.run(file);
  }

  const rowErrors = result && !result.ok ? (result.fieldErrors.csv ?? []) : [];
  return (
    <form ref={form} action={onSubmit} className="card" aria-label="Upload KPI values">
      <h2>Upload KPI values</h2>
      <p className="muted" style={{ marginTop: 0 }}>
        A CSV with the columns <code>model,date,metric,value,unit</code>, one value per row (dates like 2026-03-01, UTC). A value already
        stored for the same model, metric and date is replaced. If any row is wrong, nothing is stored.{" "}
        <a href={`data:text/csv;charset=utf-8,${encodeURIComponent(TEMPLATE)}`} download="kpi-template.csv">
          Download a template
        </a>
        .
      </p>
      <div className="filter-bar" style={{ padding: 0 }}>
        <Field label="KPI CSV file" name="file" type="file" accept=".csv,text/csv" required />
        <div className="filter-actions" style={{ marginBottom: 2 }}>
          <button type="submit" className="button primary" disabled={pending}>
            {pending ? "Uploading…" : "Upload"}
          </button>
        </div>
      </div>
      {clientError ? (
        <p className="callout error" role="alert" aria-label="Upload result" style={{ marginBottom: 0 }}>
          {clientError}
        </p>
      ) : null}
      {result && !result.ok ? (
        <div className="callout error" role="alert" aria-label="Upload result" style={{ marginTop: 14 }}>
          <strong>{result.message}</strong>
          {rowErrors.length ? (
            <ul className="kpi-upload-errors" aria-label="Rows to fix">
              {rowErrors.slice(0, 200).map((line, index) => (
                <li key={`${index}-${line}`}>{line}</li>
              ))}
              {rowErrors.length > 200 ? <li>… and {rowErrors.length - 200} more.</li> : null}
            </ul>
          ) : null}
        </div>
      ) : null}
      {result?.ok ? (
        <p className="callout success" role="status" aria-label="Upload result" style={{ marginTop: 14, marginBottom: 0 }}>
          Stored{" "}
          {result.data.results
            .map(
              (entry) =>
                `${entry.received.toLocaleString("en-US")} value${entry.received === 1 ? "" : "s"} for ${entry.model} (${entry.inserted} new, ${entry.updated} replaced)`,
            )
            .join("; ")}
          {result.data.fileName ? ` from ${result.data.fileName}` : ""}.
        </p>
      ) : null}
    </form>
  );
}
