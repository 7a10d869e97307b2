"use client";

import { useState, useTransition } from "react";
import { ROLE_LABELS, ROLES, type TRole } from "@/lib/roles";

type TResult = { ok: true; data: { roles: TRole[] } } | { ok: false; message: string };

export function UserRolesForm({ user, save }: {
  user: { id: string; email: string; roles: TRole[] };
  save: (input: { userId: string; roles: string[] }) => Promise<TResult>;
}) {
  const [roles, setRoles] = useState<TRole[]>(user.roles);
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const changed = [...roles].sort().join() !== [...user.roles].sort().join();

  function toggle(role: TRole) {
    setRoles((current) => (current.includes(role) ? current.filter((r) => r !== role) : [...current, role]));
    setMessage(null);
  }

  function submit() {
    startTransition(async () => {
      const result = await save({ userId: user.id, roles });
      if (result.ok) setMessage({ tone: "success", text: "Roles saved." });
      else {
        setMessage({ tone: "error", text: result.message });
        setRoles(user.roles);
      }
    });
  }

  return (
    <fieldset style={{ border: 0, padding: 0, margin: 0 }} aria-label={`Roles of ${user.email}`}>
      <div className="checkbox-row">
        {ROLES.map((role) => (
          <label key={role}>
            <input type="checkbox" checked={roles.includes(role)} onChange={() => toggle(role)} disabled={pending} />
            {ROLE_LABELS[role]}
          </label>
        ))}
        <button type="button" className="button primary" onClick={submit} disabled={!changed || pending}>
          {pending ? "Saving…" : "Save roles"}
        </button>
      </div>
      {message ? (
        <p className={`callout ${message.tone}`} role={message.tone === "error" ? "alert" : "status"} aria-label="Role change result" style={{ marginTop: 8, padding: "6px 10px" }}>
          {message.text}
        </p>
      ) : null}
    </fieldset>
  );
}
