import type { ReactNode } from "react";

type TColumn = string | { label: string; numeric: true };

/** A labelled table that scrolls inside its card on narrow screens; `children` are its body rows. */
export function DataTable({ label, columns, children }: { label: string; columns: TColumn[]; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) =>
              typeof column === "string" ? (
                <th key={column} scope="col">
                  {column}
                </th>
              ) : (
                <th key={column.label} scope="col" className="num">
                  {column.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
