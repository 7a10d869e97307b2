import { useId, type ComponentProps, type ReactNode } from "react";

type TFieldChrome = {
  label: ReactNode;
  /** Help shown under the control and read with it. */
  hint?: ReactNode;
  /** The field's error from the last submit (`useAction().fieldError(name)`), shown under the control. */
  error?: string | null;
};

export type TSelectOption = string | { value: string; label: string };

/** Ids and ARIA wiring shared by every field kind: the label's `htmlFor`, the hint and the error read with the control. */
function useFieldWiring({ id, hint, error, describedBy }: { id?: string; hint?: ReactNode; error?: string | null; describedBy?: string }) {
  const generated = useId();
  const controlId = id ?? generated;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const describedByIds = [describedBy, hintId, errorId].filter(Boolean).join(" ");
  return {
    controlId,
    hintId,
    errorId,
    controlProps: { id: controlId, "aria-describedby": describedByIds || undefined, "aria-invalid": error ? true : undefined },
  };
}

function FieldFrame({
  controlId,
  label,
  required,
  hint,
  hintId,
  error,
  errorId,
  children,
}: TFieldChrome & {
  controlId: string;
  required?: boolean;
  hintId?: string;
  errorId?: string;
  children: ReactNode;
}) {
  // The required mark sits outside the <label> so the label text (what getByLabel and screen
  // readers use) stays the label alone; the control's `required` attribute is what is announced.
  const labelElement = <label htmlFor={controlId}>{label}</label>;
  return (
    <div className="field">
      {required ? (
        <div style={{ display: "flex", gap: 3, alignItems: "baseline" }}>
          {labelElement}
          <span aria-hidden="true" style={{ color: "var(--bad)", fontSize: 13 }}>
            *
          </span>
        </div>
      ) : (
        labelElement
      )}
      {children}
      {hint ? (
        <span id={hintId} className="hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={errorId} className="error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** A labelled input with its hint and error; every other prop goes to the <input>. */
export function Field({ label, hint, error, id, "aria-describedby": describedBy, ...input }: TFieldChrome & ComponentProps<"input">) {
  const { controlId, hintId, errorId, controlProps } = useFieldWiring({ id, hint, error, describedBy });
  return (
    <FieldFrame controlId={controlId} label={label} required={input.required} hint={hint} hintId={hintId} error={error} errorId={errorId}>
      <input {...input} {...controlProps} />
    </FieldFrame>
  );
}

/** A labelled <select> of `options` (a string is its own value and label). */
export function SelectField({
  label,
  hint,
  error,
  id,
  options,
  "aria-describedby": describedBy,
  ...select
}: TFieldChrome & Omit<ComponentProps<"select">, "children"> & { options: readonly TSelectOption[] }) {
  const { controlId, hintId, errorId, controlProps } = useFieldWiring({ id, hint, error, describedBy });
  return (
    <FieldFrame controlId={controlId} label={label} required={select.required} hint={hint} hintId={hintId} error={error} errorId={errorId}>
      <select {...select} {...controlProps}>
        {options.map((option) =>
          typeof option === "string" ? (
            <option key={option} value={option}>
              {option}
            </option>
          ) : (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ),
        )}
      </select>
    </FieldFrame>
  );
}

/** A labelled <textarea> with its hint and error. */
export function TextAreaField({
  label,
  hint,
  error,
  id,
  "aria-describedby": describedBy,
  ...textarea
}: TFieldChrome & ComponentProps<"textarea">) {
  const { controlId, hintId, errorId, controlProps } = useFieldWiring({ id, hint, error, describedBy });
  return (
    <FieldFrame
      controlId={controlId}
      label={label}
      required={textarea.required}
      hint={hint}
      hintId={hintId}
      error={error}
      errorId={errorId}
    >
      <textarea {...textarea} {...controlProps} />
    </FieldFrame>
  );
}
