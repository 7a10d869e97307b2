"use client";

import { useState } from "react";
import { ActionCallout } from "@/components/ui/action-callout";
import { useAction } from "@/components/ui/use-action";
import { ROLE_LABELS, ROLES, type TRole } from "@/lib/roles";
import type { TActionResult } from "@/lib/types/action";

export function UserRolesForm({
  user,
  save,
}: {
  user: { id: string; email: string; roles: TRole[] };
  save: (input: { userId: string; roles: string[] }) => Promise<TActionResult<{ roles: TRole[] }>>;
}) {
  const [roles, setRoles] = useState<TRole[]>(user.roles);
  const saving = useAction(save, { successMessage: "Roles saved.", onFailure: () => setRoles(user.roles) });
  const changed = [...roles].sort().join() !== [...user.roles].sort().join();

  function toggle(role: TRole) {
    setRoles((current) => (current.includes(role) ? current.filter((r) => r !== role) : [...current, role]));
    saving.reset();
  }

  return (
    <fieldset style={{ border: 0, padding: 0, margin: 0 }} aria-label={`Roles of ${user.email}`}>
      <div className="checkbox-row">
        {ROLES.map((role) => (
          <label key={role}>
            <input type="checkbox" checked={roles.includes(role)} onChange={() => toggle(role)} disabled={saving.pending} />
            {ROLE_LABELS[role]}
          </label>
        ))}
        <button
          type="button"
          className="button primary"
          onClick={() => saving.run({ userId: user.id, roles })}
          disabled={!changed || saving.pending}
        >
          {saving.pending ? "Saving…" : "Save roles"}
        </button>
      </div>
      <ActionCallout state={saving.state} label="Role change result" style={{ marginTop: 8, padding: "6px 10px" }} />
    </fieldset>
  );
}
