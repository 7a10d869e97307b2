import { formatValue } from "@/lib/format";
import type { TReviewItemDetail } from "@/lib/types/review";
import { Badge } from "@/components/ui/badge";

/** The model inputs, marked against the declared range and against the reference data's 1st–99th percentile. */
export function ItemInputsTable({ features }: { features: TReviewItemDetail["features"] }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Inputs">
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col">Declared range</th>
            <th scope="col">Reference 1st–99th percentile</th>
            <th scope="col">Marks</th>
          </tr>
        </thead>
        <tbody>
          {features.map((feature) => (
            <tr key={feature.name}>
              <td className="mono">{feature.name}</td>
              <td className={typeof feature.value === "string" ? undefined : "num"}>
                {typeof feature.value === "string" ? feature.value : formatValue(feature.value)}
              </td>
              {typeof feature.value === "string" ? (
                // A category fed as a string: the schema's allowed values checked it; percentiles do not apply.
                <>
                  <td className="muted">one of the allowed categories</td>
                  <td className="muted">—</td>
                </>
              ) : (
                <>
                  <td className="muted">
                    {feature.min !== undefined ? formatValue(feature.min) : "−∞"} …{" "}
                    {feature.max !== undefined ? formatValue(feature.max) : "∞"}
                  </td>
                  <td className="muted">
                    {feature.reference
                      ? `${formatValue(feature.reference.p01)} … ${formatValue(feature.reference.p99)}`
                      : "no reference data"}
                  </td>
                </>
              )}
              <td>
                <span className="actions-row">
                  {feature.outOfRange ? <Badge tone="bad">out of range</Badge> : null}
                  {feature.unusual === "below_p01" ? <Badge tone="warn">unusual: below reference 1st pct</Badge> : null}
                  {feature.unusual === "above_p99" ? <Badge tone="warn">unusual: above reference 99th pct</Badge> : null}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
