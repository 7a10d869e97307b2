-- A single sign-on identity is (issuer, subject), stored on first sign-in; the email is only a claim.
ALTER TABLE "users" ADD COLUMN "oidc_issuer" text;
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "oidc_subject" text;
--> statement-breakpoint
CREATE UNIQUE INDEX "users_oidc_identity_idx" ON "users" USING btree ("oidc_issuer","oidc_subject") WHERE "oidc_issuer" IS NOT NULL;
