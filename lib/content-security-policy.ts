/**
 * The Content-Security-Policy of every page, with a fresh nonce per response.
 *
 * Next.js's App Router writes inline scripts (the RSC payload) into every page. It puts the
 * nonce it finds in the request's own `Content-Security-Policy` header on each of its script
 * tags, so scripts/web-server.ts sets the same policy on the request and on the response.
 * 'strict-dynamic' lets those trusted scripts load the page's chunks; an injected inline script
 * has no nonce and does not run. Browsers that understand nonces ignore 'unsafe-inline' when a
 * nonce is present: it is only there for old browsers that know neither.
 */
export function contentSecurityPolicy({ nonce, development = false }: { nonce: string; development?: boolean }): string {
  if (!/^[A-Za-z0-9+/]{16,}={0,2}$/.test(nonce)) throw new Error("a CSP nonce must be base64 of at least 12 random bytes");
  // React's development build evaluates code to rebuild call stacks; production never does.
  const evalInDevelopment = development ? " 'unsafe-eval'" : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'unsafe-inline'${evalInDevelopment}`,
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
