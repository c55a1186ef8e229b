import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi's closure serialization breaks under worker threads; forks also isolate DuckDB.
    pool: "forks",
    // Vitest's default is one fork fewer than the cores: one fork on CI's two. Many files wait on
    // child processes (Pulumi plans, Chromium) and local servers, so two forks keep both cores busy.
    maxWorkers: 2,
    // The Pulumi tests' build, once for the run (test/global-setup.ts).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // dt-sql-parser ships ES modules with extensionless imports, which Node cannot load: Vite resolves them.
    server: { deps: { inline: ["dt-sql-parser"] } },
  },
});
