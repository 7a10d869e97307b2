"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Field, TextAreaField } from "@/components/ui/field";
import { SchemaTable, type TSchemaValue } from "./schema-table";

export type TRegisterDefaults = {
  version: string;
  schema: TSchemaValue;
  trainingData: Record<string, string>;
  hyperparametersJson: string;
  offlineMetricsJson: string;
  card: Record<string, string>;
};

const CARD_FIELDS: Array<[key: string, label: string]> = [
  ["intendedUse", "Intended use"],
  ["outOfScopeUses", "Out-of-scope uses"],
  ["limitations", "Limitations"],
  ["ethicalConsiderations", "Ethical considerations"],
  ["caveatsAndRecommendations", "Caveats and recommendations"],
];
const TRAINING_FIELDS: Array<[key: string, label: string, type: string]> = [
  ["datasetName", "Dataset name", "text"],
  ["sha256", "Dataset sha256", "text"],
  ["rowCount", "Rows", "number"],
  ["timeRangeStart", "From", "date"],
  ["timeRangeEnd", "To", "date"],
  ["source", "Source", "text"],
];

type TError = { message: string; errors?: Array<{ field: string; message: string }> };

function parseJsonField(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw { message: `${field} is not valid JSON.`, errors: [{ field, message: "not valid JSON" }] } satisfies TError;
  }
}

/**
 * Registers a version through the REST API with XMLHttpRequest, whose upload events drive the
 * progress bar (fetch cannot report upload progress). The server validates everything again.
 */
export function RegisterVersionForm({ modelSlug, defaults }: { modelSlug: string; defaults: TRegisterDefaults }) {
  const router = useRouter();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<TError | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  // The schema table reads the chosen files to propose a schema; nothing is uploaded until the form is sent.
  const chosenFiles = () => {
    const form = formRef.current ? new FormData(formRef.current) : null;
    const file = (name: string) => {
      const value = form?.get(name);
      return value instanceof File && value.size > 0 ? value : null;
    };
    return { onnx: file("onnx"), reference: file("reference") };
  };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    let body: FormData;
    try {
      const schema = parseJsonField(String(form.get("schema")), "schema") as { inputSchema?: unknown; outputSchema?: unknown };
      const metadata = {
        version: String(form.get("version")),
        inputSchema: schema.inputSchema,
        outputSchema: schema.outputSchema,
        // A field left empty does not apply (a static data set has no time range) and is not sent.
        trainingData: Object.fromEntries(
          TRAINING_FIELDS.flatMap(([key, , type]) => {
            const value = String(form.get(`training.${key}`) ?? "").trim();
            return value === "" ? [] : [[key, type === "number" ? Number(value) : value]];
          }),
        ),
        hyperparameters: parseJsonField(String(form.get("hyperparameters")), "hyperparameters"),
        offlineMetrics: parseJsonField(String(form.get("offlineMetrics")), "offlineMetrics"),
        card: Object.fromEntries(CARD_FIELDS.map(([key]) => [key, String(form.get(`card.${key}`))])),
      };
      body = new FormData();
      body.set("metadata", JSON.stringify(metadata));
      const onnx = form.get("onnx");
      if (!(onnx instanceof File) || onnx.size === 0)
        throw { message: "Choose the ONNX file.", errors: [{ field: "onnx", message: "required" }] } satisfies TError;
      body.set("onnx", onnx);
      const reference = form.get("reference");
      if (reference instanceof File && reference.size > 0) body.set("reference", reference);
    } catch (caught) {
      setError(caught as TError);
      return;
    }
    const request = new XMLHttpRequest();
    request.open("POST", `/api/v1/models/${modelSlug}/versions`);
    request.upload.onprogress = (progressEvent) =>
      progressEvent.lengthComputable && setProgress(Math.round((progressEvent.loaded / progressEvent.total) * 100));
    request.onerror = () => {
      setProgress(null);
      setError({ message: "The upload failed: the connection was lost. Nothing was registered." });
    };
    request.onload = () => {
      const response = (() => {
        try {
          return JSON.parse(request.responseText);
        } catch {
          return {};
        }
      })();
      if (request.status === 201) {
        router.push(`/models/${modelSlug}/versions/${response.version}`);
        router.refresh();
        return;
      }
      setProgress(null);
      setError({ message: response.message ?? `The server refused the version (HTTP ${request.status}).`, errors: response.errors });
    };
    setProgress(0);
    request.send(body);
  }

  return (
    <form ref={formRef} className="stack" onSubmit={onSubmit} aria-label="Register a version" style={{ maxWidth: 920 }}>
      {error ? (
        <div className="callout error" role="alert" aria-label="Registration error">
          <strong>{error.message}</strong>
          {error.errors?.length ? (
            <ul style={{ margin: "6px 0 0", paddingLeft: 18 }}>
              {error.errors.map((item) => (
                <li key={`${item.field}${item.message}`}>
                  <span className="mono">{item.field}</span>: {item.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <section className="card">
        <h2>Artifact</h2>
        <div className="grid-2">
          <Field
            label="Version"
            name="version"
            required
            defaultValue={defaults.version}
            pattern="\d+\.\d+\.\d+"
            hint="MAJOR.MINOR.PATCH, greater than the latest version."
          />
          <Field label="ONNX file" name="onnx" type="file" accept=".onnx" required />
          <Field
            label="Reference data (CSV, optional)"
            name="reference"
            type="file"
            accept=".csv,text/csv"
            hint="A column per feature and the label column; used to propose the schema, for the smoke inference, the gates and as the drift baseline."
          />
        </div>
      </section>
      <section className="card">
        <h2>Schema</h2>
        <SchemaTable initial={defaults.schema} files={chosenFiles} />
      </section>
      <section className="card">
        <h2>Training data</h2>
        <p className="muted">Leave empty what does not apply; the card counts this section complete with a dataset name and a source.</p>
        <div className="grid-2">
          {TRAINING_FIELDS.map(([key, label, type]) => (
            <Field key={key} label={label} name={`training.${key}`} type={type} defaultValue={defaults.trainingData[key] ?? ""} />
          ))}
        </div>
        <div className="grid-2">
          <TextAreaField
            label="Hyperparameters (JSON)"
            name="hyperparameters"
            rows={4}
            className="mono"
            defaultValue={defaults.hyperparametersJson}
            spellCheck={false}
          />
          <TextAreaField
            label="Offline metrics (JSON)"
            name="offlineMetrics"
            rows={4}
            className="mono"
            defaultValue={defaults.offlineMetricsJson}
            spellCheck={false}
          />
        </div>
      </section>
      <section className="card">
        <h2>Model card</h2>
        {CARD_FIELDS.map(([key, label]) => (
          <TextAreaField key={key} label={label} name={`card.${key}`} rows={2} defaultValue={defaults.card[key] ?? ""} />
        ))}
      </section>
      <div style={{ display: "flex", gap: 12, alignItems: "center" }}>
        <button type="submit" className="button primary" disabled={progress !== null}>
          {progress !== null ? "Uploading…" : "Register version"}
        </button>
        {progress !== null ? (
          <label style={{ display: "flex", gap: 8, alignItems: "center" }}>
            Upload
            <progress max={100} value={progress} aria-label="Upload progress" style={{ width: 240 }} />
            <span aria-live="polite">{progress < 100 ? `${progress} %` : "validating…"}</span>
          </label>
        ) : null}
      </div>
    </form>
  );
}
