// Runs the compiled Pulumi program (dist/pulumi) as `pulumi up` would, but with Pulumi's mocks:
// plain Node, CommonJS, no vitest transform (closure serialization needs that). Writes what was
// planned to <out>/plan.json and materialises each Lambda's code archive under <out>/archives/.
// Usage: node test/pulumi/run-program.cjs <out> <stack>   (config in PULUMI_CONFIG, as the CLI sets it)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");

const [out, stack = "dev"] = process.argv.slice(2);
// The deploying account (getCallerIdentity); `mock:account` in the config plans a stack in another one.
const account = JSON.parse(process.env.PULUMI_CONFIG || "{}")["mock:account"] || "123456789012";
const resources = [];
const archives = [];

// The mocks see a resource's inputs, not its options: the request the monitor receives carries
// them, so its ignoreChanges list and the resources it waits for (dependsOn, as `type name`) are
// noted here and added to the resource's record below.
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
const ignoreChanges = new Map();
const dependsOn = new Map();
const registerResource = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (req, callback) {
  const list = req.getIgnorechangesList();
  if (list.length > 0) ignoreChanges.set(`${req.getType()}::${req.getName()}`, list);
  // urn:pulumi:<stack>::<project>::<parent types$>type::name
  const waits = req.getDependenciesList().map((urn) => {
    const [, , types, name] = urn.split("::");
    return `${types.split("$").at(-1)} ${name}`;
  });
  if (waits.length > 0) dependsOn.set(`${req.getType()}::${req.getName()}`, waits);
  return registerResource.call(this, req, callback);
};

async function materialize(archive, dir) {
  const files = [];
  const assets = await archive.assets;
  for (const [name, asset] of Object.entries(assets)) {
    const target = path.join(dir, name);
    if (asset.text !== undefined) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, await asset.text);
      files.push(name);
    } else if (asset.path !== undefined) {
      const source = await asset.path;
      fs.cpSync(source, target, { recursive: true, dereference: true });
      files.push(name);
    } else {
      throw new Error(`asset ${name}: unsupported kind`);
    }
  }
  return files;
}

function plain(value, depth = 0) {
  if (value === null || value === undefined || depth > 12) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (typeof value === "object") {
    if (value.assets !== undefined) return "<archive>";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]));
  }
  return value;
}

pulumi.runtime.setMocks(
  {
    newResource(args) {
      const inputs = args.inputs;
      const ignored = ignoreChanges.get(`${args.type}::${args.name}`);
      const waits = dependsOn.get(`${args.type}::${args.name}`);
      resources.push({
        type: args.type,
        name: args.name,
        inputs: plain(inputs),
        ...(ignored ? { ignoreChanges: ignored } : {}),
        ...(waits ? { dependsOn: waits } : {}),
      });
      if (args.type === "aws:lambda/function:Function") {
        const dir = path.join(out, "archives", args.name);
        archives.push(materialize(inputs.code, dir).then((files) => ({ name: args.name, dir, files })));
      }
      const state = {
        ...inputs,
        name: inputs.name ?? args.name,
        arn: inputs.arn ?? `arn:aws:mock:us-east-1:123456789012:${args.type.split(":")[1]}/${args.name}`,
      };
      if (args.type === "aws:s3/bucket:Bucket") {
        state.bucket = `athena-audit-${args.name}-${stack}`;
        state.arn = `arn:aws:s3:::${state.bucket}`;
      }
      if (args.type === "pulumi:pulumi:StackReference")
        state.outputs = { bucket: "athena-audit-main-bucket", lakeTrail: { bucket: "northwind-org-trail", prefix: "org-logs" } };
      return { id: `${args.name}-id`, state };
    },
    call(args) {
      if (args.token === "aws:index/getCallerIdentity:getCallerIdentity")
        return { accountId: account, arn: `arn:aws:iam::${account}:user/deployer`, userId: "AIDAEXAMPLE" };
      if (args.token === "aws:index/getPartition:getPartition") return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
      return args.inputs;
    },
  },
  "athena-audit",
  stack,
  false,
);

const resolved = (output) => new Promise((resolve) => pulumi.output(output).apply(resolve));

(async () => {
  fs.mkdirSync(out, { recursive: true });
  let result;
  try {
    const program = require(path.resolve("dist/pulumi/index.js"));
    const outputs = await program();
    const values = {};
    for (const [k, v] of Object.entries(outputs)) values[k] = v === undefined ? null : await resolved(v);
    await pulumi.runtime.disconnect();
    result = { outputs: values, resources, archives: await Promise.all(archives) };
  } catch (error) {
    result = { error: String(error && error.message ? error.message : error), resources };
  }
  fs.writeFileSync(path.join(out, "plan.json"), JSON.stringify(result, null, 1));
  process.exit(0);
})();
