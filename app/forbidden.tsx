import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="auth-page">
      <div className="card auth-card">
        <h1>403 — Not allowed</h1>
        <p className="muted">Your role does not give access to this page. Ask an admin if you need it.</p>
        <Link className="button" href="/models">
          Back to models
        </Link>
      </div>
    </div>
  );
}
