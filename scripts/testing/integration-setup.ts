import type { TestProject } from "vitest/node";
import { createTestDatabase, openDatabaseServer } from "../lib/database";

declare module "vitest" {
  // Module augmentation needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** One fresh, migrated database per integration run, dropped at the end. */
export default async function setup(project: TestProject) {
  const server = await openDatabaseServer({ dataDirName: "test-pg", port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54339) });
  const database = await createTestDatabase(server, "it");
  project.provide("databaseUrl", database.url);
  return async () => {
    await database.drop();
    await server.stop();
  };
}
