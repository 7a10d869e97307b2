// Layer rules from DESIGN.md: lib/ is pure, components/ never touch the database.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

const impureModules = [
  { group: ["@/db", "@/db/*", "../db/*", "../../db/*"], message: "lib/ is pure: no database access." },
  { group: ["next", "next/*", "next-auth", "next-auth/*", "react-dom", "react-dom/*"], message: "lib/ is pure: no framework imports." },
  { group: ["fs", "node:fs", "fs/promises", "node:fs/promises", "postgres", "drizzle-orm", "drizzle-orm/*"], message: "lib/ is pure: no I/O." },
  { group: ["@/app/*", "@/workers/*", "@/components/*", "@/scripts/*"], message: "lib/ imports nothing of app, components, workers or scripts." },
];

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
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
  {
    files: ["lib/**/*.ts"],
    ignores: ["lib/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: impureModules }],
      "no-restricted-globals": ["error", { name: "process", message: "lib/ is pure: read configuration at the edge and pass it in." }],
    },
  },
  {
    // Tests of lib/ may read fixture files, but still touch no database or framework.
    files: ["lib/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: impureModules.slice(0, 2) }] },
  },
  {
    files: ["components/**/*.ts", "components/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/db", "@/db/*", "../db/*", "../../db/*", "postgres", "drizzle-orm", "drizzle-orm/*"], message: "components/ receive DTOs; data access lives in db/." }] },
      ],
    },
  },
);
