-- An artifact rewritten at registration (a ZipMap removed, lib/onnx/strip-zipmap.ts) keeps the sha256 of the file as uploaded.
ALTER TABLE "artifacts" ADD COLUMN "original_sha256" text;--> statement-breakpoint
CREATE INDEX "artifacts_original_sha256_idx" ON "artifacts" USING btree ("original_sha256") WHERE "original_sha256" IS NOT NULL;
