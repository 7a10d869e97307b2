"use client";

import Papa from "papaparse";
import { useState } from "react";
import { Field, TextAreaField } from "@/components/ui/field";
import { readOnnxClassLabels } from "@/lib/onnx/class-labels";
import { readOnnxSignature } from "@/lib/onnx/signature";
import { proposeSchema } from "@/lib/registry/infer-schema";

type TFeatureRow = {
  name: string;
  type: "numeric" | "categorical" | "boolean";
  description?: string;
  min?: number;
  max?: number;
  allowedValues?: string[];
  sensitive?: boolean;
  modelInput?: boolean;
  /** A model with one input per feature: its ONNX input and element type, as proposed from the file (kept as is). */
  onnxInput?: string;
  tensorType?: string;
};
type TOutput = {
  probabilityOutput: string;
  positiveLabel: string;
  negativeLabel: string;
  threshold: number;
  labelColumn?: string;
  classLabels?: [string, string];
};
export type TSchemaValue = { inputSchema: { features: TFeatureRow[] }; outputSchema: TOutput };

const optionalNumber = (text: string) => (text.trim() === "" || !Number.isFinite(Number(text)) ? undefined : Number(text));

/**
 * The input and output schema as an editable table, proposed from the chosen ONNX file and the
 * labelled reference CSV (lib/registry/infer-schema, in the browser: nothing is uploaded until the
 * form is sent). The JSON below the table is the same schema, editable too; the server checks it again.
 */
export function SchemaTable({
  initial,
  files,
}: {
  initial: TSchemaValue;
  /** The form's chosen ONNX and reference files, read when the user asks for a proposal. */
  files: () => { onnx: File | null; reference: File | null };
}) {
  const [schema, setSchema] = useState<TSchemaValue>(initial);
  const [json, setJson] = useState(() => JSON.stringify(initial, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [labelColumn, setLabelColumn] = useState(initial.outputSchema.labelColumn ?? "");
  const [positiveClass, setPositiveClass] = useState(initial.outputSchema.positiveLabel ?? "");
  const [sensitive, setSensitive] = useState(
    initial.inputSchema.features
      .filter((feature) => feature.sensitive)
      .map((feature) => feature.name)
      .join(", "),
  );
  const [notes, setNotes] = useState<string[]>([]);
  // Bumped when the rows are replaced, so the uncontrolled cells (min, max, values) show the new ones.
  const [generation, setGeneration] = useState(0);
  const [problems, setProblems] = useState<string[]>([]);

  function update(next: TSchemaValue) {
    setSchema(next);
    setJson(JSON.stringify(next, null, 2));
    setJsonError(null);
  }
  const updateFeature = (index: number, change: Partial<TFeatureRow>) =>
    update({
      ...schema,
      inputSchema: { features: schema.inputSchema.features.map((feature, at) => (at === index ? { ...feature, ...change } : feature)) },
    });
  const updateOutput = (change: Partial<TOutput>) => update({ ...schema, outputSchema: { ...schema.outputSchema, ...change } });

  async function propose() {
    const { onnx, reference } = files();
    setNotes([]);
    if (!onnx || !reference || !labelColumn.trim() || !positiveClass.trim()) {
      setProblems(["Choose the ONNX file and the reference CSV, and name the label column and the positive class."]);
      return;
    }
    const bytes = new Uint8Array(await onnx.arrayBuffer());
    const signature = readOnnxSignature(bytes);
    if (!signature) {
      setProblems([`${onnx.name} is not an ONNX model.`]);
      return;
    }
    const parsed = Papa.parse<Record<string, string>>(await reference.text(), { header: true, skipEmptyLines: true });
    const proposal = proposeSchema({
      signature,
      modelClassLabels: readOnnxClassLabels(bytes),
      header: parsed.meta.fields ?? [],
      records: parsed.data,
      labelColumn: labelColumn.trim(),
      positiveClass: positiveClass.trim(),
      sensitive: sensitive
        .split(",")
        .map((column) => column.trim())
        .filter(Boolean),
      threshold: schema.outputSchema.threshold,
    });
    if (!proposal.ok) {
      setProblems(proposal.errors.map((error) => `${error.field}: ${error.message}`));
      return;
    }
    setProblems([]);
    setNotes(proposal.notes);
    update({ inputSchema: proposal.inputSchema, outputSchema: proposal.outputSchema });
    setGeneration((value) => value + 1);
  }

  const classes = schema.outputSchema.classLabels;
  return (
    <div className="stack" aria-label="Schema">
      <div className="grid-2">
        <Field label="Label column" value={labelColumn} onChange={(event) => setLabelColumn(event.target.value)} placeholder="target" />
        <Field
          label="Positive class"
          hint="As the label column writes it, e.g. 1 or malignant."
          value={positiveClass}
          onChange={(event) => setPositiveClass(event.target.value)}
          placeholder="1"
        />
        <Field
          label="Sensitive attributes"
          hint="Columns of the reference CSV, comma-separated; none is fine (the fairness gate is then not applicable)."
          value={sensitive}
          onChange={(event) => setSensitive(event.target.value)}
          placeholder="sex, age band"
        />
        <div style={{ display: "flex", alignItems: "end" }}>
          <button type="button" className="button" onClick={() => void propose()}>
            Propose the schema from the files
          </button>
        </div>
      </div>
      {problems.length ? (
        <div className="callout error" role="alert" aria-label="Schema proposal problems">
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {notes.length ? (
        <div className="callout" aria-label="Schema proposal">
          <strong>Proposed; review it before registering.</strong>
          <ul style={{ margin: "6px 0 0", paddingLeft: 18 }}>
            {notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="table-wrap">
        <table className="table" aria-label="Input schema">
          <thead>
            <tr>
              <th>Feature</th>
              <th>Type</th>
              <th>Model input</th>
              <th>Sensitive</th>
              <th>Min</th>
              <th>Max</th>
              <th>Allowed values</th>
              <th>Reference</th>
            </tr>
          </thead>
          <tbody>
            {schema.inputSchema.features.map((feature, index) => (
              <tr key={`${generation}-${feature.name}`}>
                <td className="mono">{feature.name}</td>
                <td>
                  <select
                    aria-label={`Type of ${feature.name}`}
                    value={feature.type}
                    onChange={(event) => updateFeature(index, { type: event.target.value as TFeatureRow["type"] })}
                  >
                    <option value="numeric">numeric</option>
                    <option value="boolean">boolean</option>
                    <option value="categorical">categorical</option>
                  </select>
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${feature.name} is a model input`}
                    checked={feature.modelInput ?? true}
                    onChange={(event) => updateFeature(index, { modelInput: event.target.checked })}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${feature.name} is sensitive`}
                    checked={feature.sensitive ?? false}
                    onChange={(event) => updateFeature(index, { sensitive: event.target.checked })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Minimum of ${feature.name}`}
                    style={{ width: 70 }}
                    defaultValue={feature.min ?? ""}
                    disabled={feature.type !== "numeric"}
                    onBlur={(event) => updateFeature(index, { min: optionalNumber(event.target.value) })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Maximum of ${feature.name}`}
                    style={{ width: 70 }}
                    defaultValue={feature.max ?? ""}
                    disabled={feature.type !== "numeric"}
                    onBlur={(event) => updateFeature(index, { max: optionalNumber(event.target.value) })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Allowed values of ${feature.name}`}
                    defaultValue={feature.allowedValues?.join(", ") ?? ""}
                    disabled={feature.type !== "categorical"}
                    onBlur={(event) =>
                      updateFeature(index, {
                        allowedValues: event.target.value
                          .split(",")
                          .map((value) => value.trim())
                          .filter(Boolean),
                      })
                    }
                  />
                </td>
                <td className="muted">{feature.description ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid-2">
        <Field
          label="Probability output"
          className="mono"
          value={schema.outputSchema.probabilityOutput}
          onChange={(event) => updateOutput({ probabilityOutput: event.target.value })}
        />
        <Field
          label="Threshold on P(positive)"
          type="number"
          min={0}
          max={1}
          step={0.01}
          value={schema.outputSchema.threshold}
          onChange={(event) => updateOutput({ threshold: Number(event.target.value) })}
        />
      </div>
      <p className="muted" aria-label="Classes">
        Classes in column order: <span className="mono">{classes ? classes.join(", ") : "not named (column 1 is positive)"}</span>; positive{" "}
        <span className="mono">{schema.outputSchema.positiveLabel}</span>, negative{" "}
        <span className="mono">{schema.outputSchema.negativeLabel}</span>.
      </p>
      <TextAreaField
        label="Input and output schema (JSON)"
        hint="The table above as JSON; edit either."
        rows={8}
        className="mono"
        spellCheck={false}
        value={json}
        error={jsonError}
        onChange={(event) => {
          setJson(event.target.value);
          try {
            const parsed = JSON.parse(event.target.value) as TSchemaValue;
            if (!parsed?.inputSchema?.features || !parsed.outputSchema) throw new Error("needs inputSchema.features and outputSchema");
            setSchema(parsed);
            setGeneration((value) => value + 1);
            setJsonError(null);
          } catch (error) {
            setJsonError(error instanceof Error ? error.message : "not valid JSON");
          }
        }}
      />
      <input type="hidden" name="schema" value={JSON.stringify(schema)} />
    </div>
  );
}
