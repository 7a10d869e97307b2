"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field } from "@/components/ui/field";
import { parseSignInThrottledError } from "@/lib/audit/sign-in-throttle";

/** The message for a failed sign-in; neither says which of email or password was wrong. */
function signInErrorMessage(error: string | null | undefined): string {
  const waitSeconds = error ? parseSignInThrottledError(error) : null;
  if (waitSeconds === null) return "Email or password is incorrect.";
  const wait = waitSeconds < 90 ? `${waitSeconds} seconds` : `${Math.ceil(waitSeconds / 60)} minutes`;
  return `Too many failed sign-in attempts. Sign-in is paused for this account or network; try again in ${wait}.`;
}

export function SignInForm({ callbackUrl, notice, oidcName }: { callbackUrl: string; notice?: string; oidcName?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (!result || result.error) {
      setError(signInErrorMessage(result?.error));
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-describedby={error ? "sign-in-error" : undefined}>
      {notice && !error ? (
        <p className="callout info" role="status">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p id="sign-in-error" className="callout error" role="alert" aria-label="Sign-in error">
          {error}
        </p>
      ) : null}
      <Field label="Email" name="email" type="email" autoComplete="username" required />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <button type="submit" className="button primary" disabled={pending} style={{ width: "100%", justifyContent: "center" }}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      {oidcName ? (
        <button
          type="button"
          className="button"
          style={{ width: "100%", justifyContent: "center", marginTop: 10 }}
          onClick={() => signIn("oidc", { callbackUrl })}
        >
          Sign in with {oidcName}
        </button>
      ) : null}
    </form>
  );
}
