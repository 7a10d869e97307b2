// The shape of the code, enforced: which top-level folder may import which (ARCHITECTURE.md, "Layers"),
// lib/ is pure, and SQL is built only in db/ (no drizzle-orm, postgres.js or table objects elsewhere).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

/** What each top-level folder may import of the others (ARCHITECTURE.md's layer table). */
const LAYERS = {
  app: ["components", "lib", "db"],
  components: ["lib"],
  lib: [],
  db: ["lib"],
  workers: ["lib", "db"],
  scripts: ["lib", "db", "workers"],
  // e2e drives the running app over HTTP and checks the database with plain SQL (fixtures.ts);
  // of the code it may use lib's pure constants and types, nothing that runs inside the app or worker.
  e2e: ["lib"],
};
const FOLDERS = Object.keys(LAYERS);

/**
 * Import specifiers that reach a top-level folder: the `@/` alias, or a relative path climbing to it.
 * `except` names subfolders left out (tests may use the harness in scripts/testing, for instance).
 */
function specifierRegex(folder, except = []) {
  const rest = except.length ? `(/(?!(${except.join("|")})(/|$)).*)?` : "(/.*)?";
  return `^(@/|(\\.\\./)+)${folder}${rest}$`;
}

const QUERY_BUILDERS = {
  group: ["drizzle-orm", "drizzle-orm/**", "postgres", "@/db/schema", "@/db/schema/**", "**/db/schema", "**/db/schema/**"],
  allowTypeImports: true,
  message: "SQL lives in db/: call a db/queries or db/writes function (it takes the database or a transaction first).",
};

const IMPURE = [
  {
    group: ["next", "next/**", "next-auth", "next-auth/**", "react-dom", "react-dom/**", "server-only"],
    message: "lib/ is pure: no framework imports.",
  },
  {
    group: [
      "fs",
      "node:fs",
      "fs/promises",
      "node:fs/promises",
      "node:child_process",
      "child_process",
      "node:net",
      "node:http",
      "node:https",
    ],
    message: "lib/ is pure: no I/O.",
  },
];

/**
 * The no-restricted-imports patterns of a file in `folder`.
 * - `test`: tests may also use the test harness and demo seed (scripts/testing, scripts/seed) and lib tests the demo fixtures (scripts/demo).
 * - `allowFolders`: folders this file may import on top of its layer's (a listed exception).
 * - `queryBuilders`: false for a listed exception that may import drizzle-orm or postgres.
 */
function restrictions(folder, { test = false, allowFolders = [], queryBuilders = true } = {}) {
  const allowed = new Set([folder, ...LAYERS[folder], ...allowFolders]);
  const patterns = FOLDERS.filter((other) => !allowed.has(other)).map((other) => {
    const regex = specifierRegex(other, test && other === "scripts" ? ["testing", "seed", "demo"] : []);
    const may = LAYERS[folder].length ? LAYERS[folder].join(", ") : "none of the other folders";
    return { regex, message: `${folder}/ may import ${may} (ARCHITECTURE.md, "Layers").` };
  });
  if (folder !== "db" && queryBuilders) patterns.push(QUERY_BUILDERS);
  if (folder === "lib") patterns.push(...IMPURE);
  return ["error", { patterns }];
}

const TESTS = ["**/*.test.ts", "**/*.test.tsx"];
const sourcesOf = (folder) => [`${folder}/**/*.ts`, `${folder}/**/*.tsx`];

// Raw SQL through postgres.js (`db.$client\`…\``, `db.$client.begin`) is query building too. LISTEN is not:
// `db.$client.listen` subscribes to notifications (workers/index.ts, workers/jobs/runner.ts).
const RAW_SQL = [
  {
    selector: "TaggedTemplateExpression > MemberExpression.tag[property.name='$client']",
    message: "SQL lives in db/: call a db/queries or db/writes function.",
  },
  {
    selector: "MemberExpression[object.property.name='$client'][property.name!='listen']",
    message: "SQL lives in db/: call a db/queries or db/writes function.",
  },
];

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts", "db/migrations/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
    },
  },

  // Layer boundaries and "SQL only in db/", per folder; tests get the harness on top.
  ...FOLDERS.flatMap((folder) => [
    { files: sourcesOf(folder), ignores: TESTS, rules: { "@typescript-eslint/no-restricted-imports": restrictions(folder) } },
    {
      files: TESTS.map((pattern) => `${folder}/${pattern}`),
      rules: { "@typescript-eslint/no-restricted-imports": restrictions(folder, { test: true }) },
    },
  ]),
  {
    files: ["lib/**/*.ts"],
    ignores: TESTS,
    rules: {
      "no-restricted-globals": ["error", { name: "process", message: "lib/ is pure: read configuration at the edge and pass it in." }],
    },
  },
  {
    files: [...sourcesOf("app"), ...sourcesOf("components"), ...sourcesOf("lib"), ...sourcesOf("workers")],
    ignores: TESTS,
    rules: { "no-restricted-syntax": ["error", ...RAW_SQL] },
  },

  // Exceptions, each with its reason.
  {
    // The benchmark measures the app's own monitoring-panel server code over 10 M predictions.
    files: ["scripts/bench/panel.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": restrictions("scripts", { allowFolders: ["app"] }) },
  },
  {
    // Probes whether the embedded PostgreSQL of `npm start` is already up before any pool or migration exists.
    files: ["scripts/lib/cli-database.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": restrictions("scripts", { queryBuilders: false }) },
  },
  {
    // e2e tests check what a flow left in the database (audit rows, statuses) with plain SQL, independently of db/.
    files: ["e2e/fixtures.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": restrictions("e2e", { queryBuilders: false }) },
  },
);
