import { formatValue } from "@/lib/format";
import { ZFallbackRules } from "@/lib/inference/routing";

const OPERATORS = { gt: ">", gte: "≥", lt: "<", lte: "≤", eq: "=", neq: "≠" } as const;

function formatRuleValue(value: string | number | boolean): string {
  return typeof value === "number" ? formatValue(value) : typeof value === "string" ? `“${value}”` : String(value);
}

/** The stored fallback rules as sentences ("if debt_to_income ≥ 0.45 → p(positive) 0.7"), in the order they are tried. */
export function FallbackRulesSummary({ rules }: { rules: unknown }) {
  const parsed = ZFallbackRules.safeParse(rules ?? {});
  if (!parsed.success) return <p className="callout error">The stored fallback rules do not parse; save them again below.</p>;
  const { description, rules: conditions, defaultProbability } = parsed.data;
  return (
    <div>
      {description ? <p style={{ marginTop: 0 }}>{description}</p> : null}
      <ol aria-label="Fallback rules in order" style={{ margin: "0 0 12px", paddingLeft: 22 }}>
        {conditions.map((rule, index) => (
          <li key={index}>
            if <code>{rule.feature}</code> {OPERATORS[rule.operator]} {formatRuleValue(rule.value)} → p(positive) ={" "}
            {formatValue(rule.probability, 3)}
          </li>
        ))}
        <li>
          {conditions.length > 0 ? "otherwise" : "always"} → p(positive) = {formatValue(defaultProbability, 3)}
        </li>
      </ol>
    </div>
  );
}
