import { PageHeader } from "./page-header";

/** A section whose capability is still being built: says plainly what will be here. */
export function ComingSection({ title, description, items }: { title: string; description: string; items: string[] }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <div className="card">
        <h2>What this page will hold</h2>
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {items.map((item) => <li key={item}>{item}</li>)}
        </ul>
      </div>
    </>
  );
}
