"use client";

import { ActionCallout } from "@/components/ui/action-callout";
import { useAction } from "@/components/ui/use-action";
import type { TActionResult } from "@/lib/types/action";

/** Disable (ends the user's sessions at once, refuses sign-in) or re-enable a user. An admin cannot disable themself. */
export function UserStatusForm({
  user,
  isSelf,
  save,
}: {
  user: { id: string; email: string; disabled: boolean };
  isSelf: boolean;
  save: (input: { userId: string; disabled: boolean }) => Promise<TActionResult<{ disabled: boolean; changed: boolean }>>;
}) {
  const saving = useAction(save, {
    successMessage: (data) => (data.disabled ? "Disabled; their sessions have ended." : "Enabled; they can sign in again."),
  });
  return (
    <div>
      <div className="checkbox-row" style={{ alignItems: "center" }}>
        <span className={user.disabled ? "badge bad" : "badge ok"} style={{ alignSelf: "center" }}>
          {user.disabled ? "Disabled" : "Active"}
        </span>
        {isSelf ? (
          <span className="muted">you</span>
        ) : (
          <button
            type="button"
            className={user.disabled ? "button" : "button danger"}
            onClick={() => saving.run({ userId: user.id, disabled: !user.disabled })}
            disabled={saving.pending}
            aria-label={`${user.disabled ? "Enable" : "Disable"} ${user.email}`}
          >
            {saving.pending ? "Saving…" : user.disabled ? "Enable" : "Disable"}
          </button>
        )}
      </div>
      <ActionCallout state={saving.state} label="Status change result" style={{ marginTop: 8, padding: "6px 10px" }} />
    </div>
  );
}
