import "server-only";
import pino from "pino";
import { appEnv } from "./env";

// Secrets and password hashes never reach the logs: these paths are removed wherever they appear.
export const logger = pino({
  name: "oversight-app",
  level: appEnv().logLevel,
  redact: {
    paths: ["password", "*.password", "passwordHash", "*.passwordHash", "apiKey", "*.apiKey", "authorization", "*.authorization"],
    remove: true,
  },
});
