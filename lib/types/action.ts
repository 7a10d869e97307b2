/** What every server action returns (app/_server/action.ts `defineAction`); forms read it to show the outcome. */
export type TActionResult<TData = unknown> =
  { ok: true; data: TData } | { ok: false; status: number; message: string; fieldErrors?: Record<string, string[] | undefined> };
