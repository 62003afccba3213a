"use client";
import type { ReactNode } from "react";

interface FieldProps {
  id: string;
  label: string;
  errors: string[];
  hint?: ReactNode;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby": string | undefined }) => ReactNode;
}

/** A labelled control with its hint and its validation messages right below it. */
export function Field({ id, label, errors, hint, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": errors.length > 0, "aria-describedby": describedBy })}
      {hint ? (
        <span id={hintId} className="hint">
          {hint}
        </span>
      ) : null}
      {errors.length > 0 ? (
        <span id={errorId} className="error" role="alert">
          {errors.join("; ")}
        </span>
      ) : null}
    </div>
  );
}
