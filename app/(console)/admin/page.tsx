import type { Metadata } from "next";
import { requirePermission } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { listApiKeys } from "@/db/queries/api-keys";
import { listModels } from "@/db/queries/models";
import { listUsers } from "@/db/queries/users";
import { ApiKeysPanel } from "@/components/admin/api-keys-panel";
import { UserRolesForm } from "@/components/admin/user-roles-form";
import { UserStatusForm } from "@/components/admin/user-status-form";
import { PageHeader } from "@/components/ui/page-header";
import { createApiKeyAction, revokeApiKeyAction, setUserDisabledAction, updatePolicyAction, updateUserRolesAction } from "./actions";
import { getPolicy } from "@/db/queries/governance";
import { PolicyForm } from "@/components/admin/policy-form";

const TIERS = ["low", "medium", "high"] as const;

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const admin = await requirePermission("users.manage");
  const db = getDb();
  const [users, keys, models, ...policies] = await Promise.all([
    listUsers(db),
    listApiKeys(db),
    listModels(db),
    ...TIERS.map((tier) => getPolicy(db, tier)),
  ]);
  return (
    <div className="stack">
      <PageHeader title="Admin" description="Users, roles and API keys. Every change is recorded in the audit trail." />
      <h2 style={{ margin: 0 }}>Users</h2>
      <div className="table-wrap">
        <table className="table" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Roles</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <td>
                  <strong>{user.name}</strong>
                  <div className="muted">{user.email}</div>
                </td>
                <td className="muted">
                  {user.lastSignInAt ? user.lastSignInAt.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "never"}
                </td>
                <td>
                  <UserRolesForm user={user} save={updateUserRolesAction} />
                </td>
                <td>
                  <UserStatusForm user={user} isSelf={user.id === admin.id} save={setUserDisabledAction} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2 style={{ margin: "12px 0 0" }}>API keys</h2>
      <ApiKeysPanel
        keys={keys}
        models={models.map((model) => ({ id: model.id, slug: model.slug }))}
        create={createApiKeyAction}
        revoke={revokeApiKeyAction}
      />
      <h2 style={{ margin: "12px 0 0" }}>Governance policy</h2>
      <p className="muted" style={{ margin: 0 }}>
        Validation gate thresholds, approval quorum and canary-guard limits per risk tier. New validation runs and guard checks use them at
        once.
      </p>
      <div className="grid-3">
        {TIERS.map((tier, index) => (
          <PolicyForm key={tier} tier={tier} policy={policies[index]} save={updatePolicyAction} />
        ))}
      </div>
    </div>
  );
}
