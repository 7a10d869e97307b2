import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/app/_server/auth";
import { appEnv } from "@/app/_server/env";
import { SignInForm } from "@/components/auth/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

const NOTICES: Record<string, string> = {
  session: "Your session has expired or you are not signed in. Sign in to continue.",
  "signed-out": "You are signed out.",
};

// Only same-site paths: a callback URL pointing elsewhere would be an open redirect.
function safeCallback(value: string | undefined): string {
  return value && value.startsWith("/") && !value.startsWith("//") ? value : "/";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  if (await getCurrentUser()) redirect(safeCallback(params.callbackUrl));
  const oidc = appEnv().oidc;
  const notice = params.error ? "Sign-in failed. Try again or ask an admin for access." : NOTICES[params.reason ?? ""];
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Oversight
        </div>
        <h1 style={{ marginBottom: 4 }}>Sign in</h1>
        <p className="muted" style={{ marginTop: 0 }}>
          Governance console for models in production.
        </p>
        <SignInForm
          callbackUrl={safeCallback(params.callbackUrl)}
          notice={notice}
          oidcName={oidc ? (oidc.name ?? "single sign-on") : undefined}
        />
      </div>
    </main>
  );
}
