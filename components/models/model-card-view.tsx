import type { TCompleteness, TModelCard } from "@/lib/model-card";
import { Badge } from "@/components/ui/badge";

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

const listOrEmpty = (items: Array<{ description: string }>) =>
  items.length ? (
    <ul style={{ margin: 0, paddingLeft: 18 }}>
      {items.map((item) => (
        <li key={item.description}>{item.description}</li>
      ))}
    </ul>
  ) : (
    <p className="muted">Not stated.</p>
  );

/** The model card's sections, in the Model Card Toolkit's order. */
export function ModelCardView({ card, completeness }: { card: TModelCard; completeness: TCompleteness }) {
  const percent = Math.round(completeness.score * 100);
  return (
    <div className="stack">
      <div className={`callout ${completeness.missing.length ? "info" : "success"}`} role="status" aria-label="Card completeness">
        <strong>Card completeness {percent} %</strong>
        {completeness.missing.length ? (
          <ul style={{ margin: "6px 0 0", paddingLeft: 18 }}>
            {completeness.missing.map((item) => (
              <li key={item.section}>
                {item.section}: {item.why}
              </li>
            ))}
          </ul>
        ) : (
          " — every required section is present."
        )}
      </div>
      <div className="grid-2">
        <Section title="Model details">
          <p style={{ marginTop: 0 }}>{card.model_details.overview || <span className="muted">No overview.</span>}</p>
          <dl className="facts">
            <div>
              <dt>Version</dt>
              <dd className="mono">
                {card.model_details.version.name} · {card.model_details.version.date}
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <Badge tone="info">{card.oversight.status.replace(/_/g, " ")}</Badge>
              </dd>
            </div>
            <div>
              <dt>Owners</dt>
              <dd>{card.model_details.owners.map((owner) => owner.name).join(", ") || "—"}</dd>
            </div>
            <div>
              <dt>Architecture</dt>
              <dd>{card.model_parameters.model_architecture}</dd>
            </div>
          </dl>
          <p className="muted" style={{ marginBottom: 0 }}>
            Input: {card.model_parameters.input_format}
            <br />
            Output: {card.model_parameters.output_format}
          </p>
        </Section>
        <Section title="Intended use">
          {listOrEmpty(card.considerations.use_cases)}
          <h3 style={{ fontSize: 14, margin: "12px 0 4px" }}>Out-of-scope uses</h3>
          <p style={{ margin: 0 }}>{card.oversight.out_of_scope_uses || <span className="muted">Not stated.</span>}</p>
        </Section>
        <Section title="Factors">
          {card.oversight.factors.length ? (
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {card.oversight.factors.map((factor) => (
                <li key={factor.feature}>
                  <span className="mono">{factor.feature}</span>: {factor.values.join(", ")}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No sensitive attributes declared.</p>
          )}
        </Section>
        <Section title="Metrics">
          {card.quantitative_analysis.performance_metrics.length ? (
            <table className="table" aria-label="Offline metrics">
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  <th scope="col" className="num">
                    Value
                  </th>
                  <th scope="col">Slice</th>
                </tr>
              </thead>
              <tbody>
                {card.quantitative_analysis.performance_metrics.map((metric) => (
                  <tr key={metric.type}>
                    <td>{metric.type}</td>
                    <td className="num">{metric.value}</td>
                    <td className="muted">{metric.slice}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No metrics recorded.</p>
          )}
        </Section>
        <Section title="Evaluation data">
          <p style={{ margin: 0 }}>
            {card.model_parameters.data.eval ? (
              `${card.model_parameters.data.eval.name}: ${card.model_parameters.data.eval.description}`
            ) : (
              <span className="muted">None registered.</span>
            )}
          </p>
        </Section>
        <Section title="Training data">
          <p style={{ margin: 0 }}>
            {card.model_parameters.data.train.name ? (
              `${card.model_parameters.data.train.name}: ${card.model_parameters.data.train.description}`
            ) : (
              <span className="muted">Not stated.</span>
            )}
          </p>
        </Section>
        <Section title="Quantitative analyses">
          <dl className="facts">
            {Object.entries(card.oversight.live).map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{value ?? "—"}</dd>
              </div>
            ))}
          </dl>
        </Section>
        <Section title="Ethical considerations">
          {card.considerations.ethical_considerations.length ? (
            card.considerations.ethical_considerations.map((risk) => (
              <p key={risk.name} style={{ margin: 0 }}>
                {risk.name}
                {risk.mitigation_strategy ? (
                  <>
                    <br />
                    <span className="muted">Mitigation: {risk.mitigation_strategy}</span>
                  </>
                ) : null}
              </p>
            ))
          ) : (
            <p className="muted">Not stated.</p>
          )}
        </Section>
        <Section title="Caveats and recommendations">
          {listOrEmpty([...card.considerations.limitations, ...card.considerations.tradeoffs])}
        </Section>
      </div>
    </div>
  );
}
