import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi's closure serialization breaks under worker threads; forks also isolate DuckDB.
    pool: "forks",
    // The Pulumi tests' build, once for the run (test/global-setup.ts).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
