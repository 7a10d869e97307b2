import type { Metadata } from "next";
import { requireSection } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { listApiKeys } from "@/db/queries/api-keys";
import { listModels } from "@/db/queries/models";
import { listUsers } from "@/db/queries/users";
import { ApiKeysPanel } from "@/components/admin/api-keys-panel";
import { UserRolesForm } from "@/components/admin/user-roles-form";
import { PageHeader } from "@/components/ui/page-header";
import { createApiKeyAction, revokeApiKeyAction, updateUserRolesAction } from "./actions";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  await requireSection("admin");
  const db = getDb();
  const [users, keys, models] = await Promise.all([listUsers(db), listApiKeys(db), listModels(db)]);
  return (
    <div className="stack">
      <PageHeader title="Admin" description="Users, roles and API keys. Every change is recorded in the audit trail." />
      <h2 style={{ margin: 0 }}>Users</h2>
      <div className="table-wrap">
        <table className="table" aria-label="Users">
          <thead>
            <tr><th scope="col">User</th><th scope="col">Last sign-in</th><th scope="col">Roles</th></tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <td><strong>{user.name}</strong><div className="muted">{user.email}</div></td>
                <td className="muted">{user.lastSignInAt ? user.lastSignInAt.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "never"}</td>
                <td><UserRolesForm user={user} save={updateUserRolesAction} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 style={{ margin: "12px 0 0" }}>API keys</h2>
      <ApiKeysPanel keys={keys} models={models.map((model) => ({ id: model.id, slug: model.slug }))} create={createApiKeyAction} revoke={revokeApiKeyAction} />
    </div>
  );
}
