// The import rules of CONTRIBUTING.md ("The data's path"), checked by `npm run lint`.
// Layers, lowest first: core/ ← queries/ ← functions/, reports/ ← pulumi/, generator/ ← cli/.
// A layer imports only the layers below it; nothing imports upward or sideways, and no cycle.
// test/ and bench/ may import anything; product code imports neither.

/** A rule forbidding imports from one folder into the named ones. */
function forbid(name, from, to, comment) {
  return { name, comment, severity: "error", from: { path: `^${from}/` }, to: { path: `^(${to.join("|")})/` } };
}

module.exports = {
  forbidden: [
    {
      name: "no-cycle",
      comment: "A cycle makes every module in it depend on all the others: split the shared part out.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "saved-queries-through-index",
      comment: "Outside queries/saved/, the saved-query registry is imported from queries/saved (its index.ts) only.",
      severity: "error",
      from: { pathNot: "^queries/saved/" },
      to: { path: "^queries/saved/", pathNot: "^queries/saved/index\\.ts$" },
    },
    forbid(
      "core-imports-nothing",
      "core",
      ["queries", "functions", "reports", "pulumi", "generator", "cli", "bench", "test"],
      "core/ is what every layer shares (days, cost, names, layout, errors, settings): it imports no other folder.",
    ),
    forbid(
      "queries-imports-core-only",
      "queries",
      ["functions", "reports", "pulumi", "generator", "cli", "bench", "test"],
      "queries/ defines and runs the SQL over core/; what collects or renders uses it, not the reverse.",
    ),
    forbid(
      "functions-not-sideways",
      "functions",
      ["reports", "pulumi", "generator", "cli", "bench", "test"],
      "A collector imports core/ and queries/ only.",
    ),
    forbid(
      "reports-not-sideways",
      "reports",
      ["functions", "pulumi", "generator", "cli", "bench", "test"],
      "Reports render rows from queries/; they never call a collector.",
    ),
    forbid(
      "pulumi-through-bundles",
      "pulumi",
      ["functions", "reports", "generator", "cli", "bench", "test"],
      "The program reaches the functions only through their bundles (dist/lambda/); shared facts live in core/.",
    ),
    forbid(
      "generator-below-cli",
      "generator",
      ["reports", "pulumi", "cli", "bench", "test"],
      "The generator writes a lake as the collectors do (it may use their row builders); it renders and deploys nothing.",
    ),
    forbid("cli-not-deploy", "cli", ["pulumi", "bench", "test"], "The CLI drives the layers below it; deploying is Pulumi's."),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|\\.bench|reports/published|test/fixtures)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.test.json" },
    moduleSystems: ["cjs", "es6"],
  },
};
