"use client";

// Shown instead of a stack trace; `digest` is the reference the server logged with the error.
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="callout error" role="alert" aria-label="Page error">
      <strong>This page could not be loaded.</strong>
      <p style={{ margin: "6px 0 10px" }}>
        Try again in a moment.{error.digest ? ` If it keeps failing, give this reference to an admin: ${error.digest}.` : ""}
      </p>
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
