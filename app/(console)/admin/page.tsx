import type { Metadata } from "next";
import { requireSection } from "@/app/_server/auth";
import { getDb } from "@/db/client";
import { listUsers } from "@/db/queries/users";
import { UserRolesForm } from "@/components/admin/user-roles-form";
import { PageHeader } from "@/components/ui/page-header";
import { updateUserRolesAction } from "./actions";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  await requireSection("admin");
  const users = await listUsers(getDb());
  return (
    <>
      <PageHeader title="Admin" description="Users and their roles. Every change is recorded in the audit trail." />
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
    </>
  );
}
