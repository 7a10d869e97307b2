import NextAuth from "next-auth";
import { authOptions } from "@/app/_server/auth-options";
import { appEnv } from "@/app/_server/env";
import { withRpInitiatedLogout } from "@/app/_server/oidc-logout";

const handler = NextAuth(authOptions);
// Signing out of a single-sign-on session also ends it at the provider, when the provider offers that.
const signOutAware = withRpInitiatedLogout(handler, { oidc: appEnv().oidc });
export { handler as GET, signOutAware as POST };
