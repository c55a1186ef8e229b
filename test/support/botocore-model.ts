/**
 * Checks a JSON document against a shape of botocore's service model (data/<service>/<version>/
 * service-2.json[.gz] of the installed botocore), as AWS's JSON protocols would: unknown members,
 * missing required members, wrong scalar types, enum values, lengths, list sizes and patterns. Used by local servers to refuse a
 * request AWS would refuse, and to check their own answers have AWS's shape.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { present } from "./defined";

interface Shape {
  type: string;
  members?: Record<string, { shape: string }>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  /** A string's length, or a list's number of members, as the service's constraints. */
  min?: number;
  max?: number;
  /** A string's pattern, matched whole (AWS's Java patterns; one JavaScript cannot compile is not checked). */
  pattern?: string;
}

/** The service's constraints on a string's length or a list's size: what AWS refuses with a validation error. */
function sizeProblems(shape: Shape, name: string, size: number, what: string, at: string): string[] {
  if (shape.min !== undefined && size < shape.min) return [`${at}: ${name} must have ${what} of at least ${shape.min}, got ${size}`];
  if (shape.max !== undefined && size > shape.max) return [`${at}: ${name} must have ${what} of at most ${shape.max}, got ${size}`];
  return [];
}

function patternOf(source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    return undefined;
  }
}

export interface ServiceModel {
  metadata: { targetPrefix?: string; jsonVersion?: string };
  operations: Record<string, { input?: { shape: string }; output?: { shape: string }; errors?: { shape: string }[] }>;
  shapes: Record<string, Shape>;
}

let botocoreDir: string | undefined;

/** The installed botocore's model of a service (its one API version). */
export function botocoreModel(service: string): ServiceModel {
  botocoreDir ??= execFileSync("python3", ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"], {
    encoding: "utf8",
  }).trim();
  const dir = path.join(botocoreDir, "data", service);
  const version = present(fs.readdirSync(dir).sort().at(-1), `an API version of ${service} in ${dir}`);
  const file = path.join(dir, version, "service-2.json");
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : zlib.gunzipSync(fs.readFileSync(`${file}.gz`)).toString("utf8");
  return JSON.parse(text) as ServiceModel;
}

/** What is wrong with `value` as shape `name`, each problem with its path; empty when nothing is. */
export function shapeProblems(model: ServiceModel, name: string, value: unknown, at = "$"): string[] {
  const shape = model.shapes[name];
  if (!shape) return [`${at}: no shape ${name} in the model`];
  if (value === null || value === undefined) return [];
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || Array.isArray(value)) return [`${at}: ${name} must be an object`];
      const record = value as Record<string, unknown>;
      const members = shape.members ?? {};
      return [
        ...(shape.required ?? []).filter((m) => record[m] === undefined).map((m) => `${at}.${m}: required by ${name}`),
        ...Object.entries(record).flatMap(([k, v]) =>
          members[k] ? shapeProblems(model, members[k].shape, v, `${at}.${k}`) : [`${at}.${k}: not a member of ${name}`],
        ),
      ];
    }
    case "list":
      return Array.isArray(value)
        ? [
            ...sizeProblems(shape, name, value.length, "a number of members", at),
            ...value.flatMap((v, i) => shapeProblems(model, shape.member!.shape, v, `${at}[${i}]`)),
          ]
        : [`${at}: ${name} must be a list`];
    case "map":
      return typeof value === "object" && !Array.isArray(value)
        ? Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
            ...shapeProblems(model, shape.key!.shape, k, `${at}{key}`),
            ...shapeProblems(model, shape.value!.shape, v, `${at}.${k}`),
          ])
        : [`${at}: ${name} must be a map`];
    case "string":
      if (typeof value !== "string") return [`${at}: ${name} must be a string`];
      if (shape.enum && !shape.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${name}'s values`];
      if (shape.pattern && patternOf(shape.pattern)?.test(value) === false)
        return [`${at}: ${JSON.stringify(value.slice(0, 60))} does not match ${name}'s pattern ${shape.pattern}`];
      return sizeProblems(shape, name, value.length, "a length", at);
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at}: ${name} must be a boolean`];
    case "integer":
    case "long":
    case "double":
    case "float":
    case "timestamp":
      return typeof value === "number" ? [] : [`${at}: ${name} must be a number`];
    default:
      return [];
  }
}
