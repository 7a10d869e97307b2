import Link from "next/link";

export default function NotFound() {
  return (
    <div className="auth-page">
      <div className="card auth-card">
        <h1>Page not found</h1>
        <p className="muted">Nothing lives at this address.</p>
        <Link className="button" href="/models">
          Back to models
        </Link>
      </div>
    </div>
  );
}
