/**
 * Placeholder shown by loading.tsx and Suspense fallbacks while data loads. A status region: a div may
 * carry aria-label only with a role (axe's aria-prohibited-attr), and screen readers then hear "Loading".
 */
export function LoadingBlock({ rows = 4, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div className="stack" role="status" aria-busy="true" aria-label={label}>
      <div className="skeleton" style={{ height: 28, width: 260 }} />
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className="skeleton" style={{ height: 44 }} />
      ))}
    </div>
  );
}
