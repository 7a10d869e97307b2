import { formatCount, formatPercent, formatSigned, formatStandardError, formatValue } from "@/lib/format";
import type { TItemExplanation } from "@/lib/types/review";
import { ContributionsChart } from "./contributions-chart";

/** Awaits the explanation (streamed in behind a Suspense boundary) and shows it, or why there is none. */
export async function ContributionsPanel({
  explanation,
  positiveLabel,
  negativeLabel,
}: {
  explanation: Promise<TItemExplanation>;
  positiveLabel: string;
  negativeLabel: string;
}) {
  const result = await explanation;
  if (!result.ok)
    return (
      <p className="muted" role="status" style={{ margin: 0 }}>
        {result.message}
      </p>
    );
  const { method, backgroundRows, permutations, baseValue, prediction, contributions } = result.explanation;
  const caption =
    method === "exact"
      ? `Exact Shapley values over ${formatCount(backgroundRows)} reference rows`
      : `Sampling estimate (${formatCount(permutations ?? 0)} permutations, ± standard error)`;
  return (
    <figure style={{ margin: 0 }} aria-label="Feature contributions">
      <figcaption>
        <strong>{caption}</strong>
        <p className="muted" style={{ margin: "4px 0 8px" }}>
          Base value (mean prediction over the reference rows) <strong>{formatPercent(baseValue)}</strong>; the contributions add up to this
          prediction, <strong>{formatPercent(prediction)}</strong> probability of “{positiveLabel}”. Red bars push towards “{positiveLabel}
          ”, blue bars towards “{negativeLabel}”.
        </p>
      </figcaption>
      <ContributionsChart bars={contributions} />
      <details>
        <summary className="muted">The numbers</summary>
        <table className="table" aria-label="Feature contributions, in numbers">
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col" className="num">
                Δ probability
              </th>
              {method === "sampling" ? (
                <th scope="col" className="num">
                  ± standard error
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {contributions.map((contribution) => (
              <tr key={contribution.feature}>
                <td className="mono">{contribution.feature}</td>
                <td className="num">{result.valueLabels?.[contribution.feature] ?? formatValue(contribution.value)}</td>
                <td className="num">{formatSigned(contribution.contribution)}</td>
                {method === "sampling" ? (
                  <td className="num">
                    {contribution.standardError !== undefined ? formatStandardError(contribution.standardError) : "—"}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
