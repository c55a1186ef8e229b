/**
 * What a trail records, read from its event selectors (GetEventSelectors answers either basic
 * `EventSelectors` or `AdvancedEventSelectors`, never both). Pure: the collector and the generator
 * share it. Where a selector says something this reading does not understand, its events are not
 * counted as recorded and a note says which selector: a trail is never taken to record more than
 * its selectors plainly say.
 *
 * Semantics (CloudTrail API reference, EventSelector and AdvancedFieldSelector): a trail logs an
 * event when any selector matches it; in an advanced selector every field selector must match.
 * Basic: `ReadWriteType` (default All) applies to management and data events alike,
 * `IncludeManagementEvents` defaults to true, `ExcludeManagementEventSources` may list
 * kms.amazonaws.com and rdsdata.amazonaws.com. Advanced: `eventCategory` Equals Management or Data,
 * `readOnly` Equals true (reads) or false (writes), absent for both; `eventSource` NotEquals drops a
 * management event source; S3 object events are `resources.type` AWS::S3::Object, scoped by
 * `resources.ARN` and optionally `eventName`.
 */

export type ManagementEvents = "all" | "read-only" | "write-only" | "none";

export interface BasicSelector {
  ReadWriteType?: string;
  IncludeManagementEvents?: boolean;
  DataResources?: { Type?: string; Values?: string[] }[];
  ExcludeManagementEventSources?: string[];
}

export interface FieldSelector {
  Field?: string;
  Equals?: string[];
  StartsWith?: string[];
  EndsWith?: string[];
  NotEquals?: string[];
  NotStartsWith?: string[];
  NotEndsWith?: string[];
}

export interface AdvancedSelector {
  Name?: string;
  FieldSelectors?: FieldSelector[];
}

export interface Selectors {
  EventSelectors?: BasicSelector[];
  AdvancedEventSelectors?: AdvancedSelector[];
}

export interface Recording {
  selectorKind: "basic" | "advanced";
  managementEvents: ManagementEvents;
  /** Sources left out of the management read events recorded (every read-recording selector drops them). */
  excludedSources: string[];
  /** S3 object scopes recorded, `bucket/prefix` or `*` (every bucket, maybe with `except …`). */
  s3Read: string[];
  s3Write: string[];
  /** Parts not understood, in words. */
  notes: string[];
}

const S3_OBJECT = "AWS::S3::Object";
const OBJECT_READS = new Set(["GetObject"]);

/** `arn:<partition>:s3:::bucket/prefix` as `bucket/prefix`; the whole service (`arn:aws:s3`, `arn:aws:s3:::`) as `*`. */
export function s3Scope(arn: string): string | undefined {
  const match = /^arn:[a-z-]+:s3(?::::?(.*))?$/.exec(arn);
  if (!match) return undefined;
  // No resource (`arn:aws:s3`) or an empty one (`arn:aws:s3:::`): the whole service.
  const resource = match[1] ?? "";
  return resource === "" ? "*" : resource;
}

interface Side {
  read: boolean;
  write: boolean;
}

function management(sides: { side: Side; excluded: string[] }[]): Pick<Recording, "managementEvents" | "excludedSources"> {
  const read = sides.filter((s) => s.side.read);
  const write = sides.some((s) => s.side.write);
  const managementEvents: ManagementEvents =
    read.length > 0 && write ? "all" : read.length > 0 ? "read-only" : write ? "write-only" : "none";
  // A source is missed only when every selector that records reads drops it.
  const [first] = read;
  const excludedSources =
    first === undefined ? [] : [...new Set(first.excluded)].filter((source) => read.every((s) => s.excluded.includes(source))).sort();
  return { managementEvents, excludedSources };
}

function collapse(scopes: Iterable<string>): string[] {
  const all = [...new Set(scopes)].sort();
  return all.includes("*") ? ["*"] : all;
}

function basicSide(type: string | undefined): Side | undefined {
  const value = type ?? "All";
  if (value === "All") return { read: true, write: true };
  if (value === "ReadOnly") return { read: true, write: false };
  if (value === "WriteOnly") return { read: false, write: true };
  return undefined;
}

export function interpretBasic(selectors: readonly BasicSelector[]): Recording {
  const notes: string[] = [];
  const sides: { side: Side; excluded: string[] }[] = [];
  const s3Read: string[] = [];
  const s3Write: string[] = [];
  selectors.forEach((selector, i) => {
    const side = basicSide(selector.ReadWriteType);
    if (!side) {
      notes.push(`event selector ${i + 1}: ReadWriteType ${JSON.stringify(selector.ReadWriteType)} not understood`);
      return;
    }
    if (selector.IncludeManagementEvents ?? true) sides.push({ side, excluded: selector.ExcludeManagementEventSources ?? [] });
    for (const resource of selector.DataResources ?? []) {
      if (resource.Type !== S3_OBJECT) continue;
      for (const value of resource.Values ?? []) {
        const scope = s3Scope(value);
        if (scope === undefined) {
          notes.push(`event selector ${i + 1}: S3 data resource ${JSON.stringify(value)} not understood`);
          continue;
        }
        if (side.read) s3Read.push(scope);
        if (side.write) s3Write.push(scope);
      }
    }
  });
  return { selectorKind: "basic", ...management(sides), s3Read: collapse(s3Read), s3Write: collapse(s3Write), notes };
}

const OPERATORS = ["Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith"] as const;

/** The operators a field selector uses, with their values. */
function operators(field: FieldSelector): [string, string[]][] {
  return OPERATORS.filter((op) => field[op] !== undefined).map((op) => [op, field[op] ?? []]);
}

const only = (field: FieldSelector | undefined, op: (typeof OPERATORS)[number]) =>
  field !== undefined && operators(field).length === 1 && field[op] !== undefined;

/** The S3 object scopes an advanced selector's `resources.ARN` condition names; undefined when not understood. */
function arnScopes(field: FieldSelector | undefined): string[] | undefined {
  if (field === undefined) return ["*"];
  const [single, ...others] = operators(field);
  if (single === undefined || others.length > 0) return undefined;
  const [op, values] = single;
  const scopes = values.map(s3Scope);
  if (scopes.some((s) => s === undefined)) return undefined;
  if (op === "StartsWith" || op === "Equals") return scopes as string[];
  if (op === "NotStartsWith" || op === "NotEquals") return [`* except ${(scopes as string[]).join(", ")}`];
  return undefined;
}

/** Whether an `eventName` condition lets reads (GetObject) and writes through; undefined when not understood. */
function eventNames(field: FieldSelector | undefined): Side | undefined {
  if (field === undefined) return { read: true, write: true };
  if (only(field, "Equals")) {
    const names = field.Equals ?? [];
    return { read: names.some((n) => OBJECT_READS.has(n)), write: names.some((n) => !OBJECT_READS.has(n)) };
  }
  if (only(field, "NotEquals")) return { read: !(field.NotEquals ?? []).some((n) => OBJECT_READS.has(n)), write: true };
  return undefined;
}

function readOnlySide(field: FieldSelector | undefined): Side | undefined {
  if (field === undefined) return { read: true, write: true };
  if (!only(field, "Equals") || field.Equals?.length !== 1) return undefined;
  if (field.Equals[0] === "true") return { read: true, write: false };
  if (field.Equals[0] === "false") return { read: false, write: true };
  return undefined;
}

export function interpretAdvanced(selectors: readonly AdvancedSelector[]): Recording {
  const notes: string[] = [];
  const sides: { side: Side; excluded: string[] }[] = [];
  const s3Read: string[] = [];
  const s3Write: string[] = [];
  selectors.forEach((selector, i) => {
    const name = selector.Name ? `advanced selector ${JSON.stringify(selector.Name)}` : `advanced selector ${i + 1}`;
    const fields = new Map<string, FieldSelector>();
    for (const f of selector.FieldSelectors ?? []) fields.set(f.Field ?? "", f);
    const category = fields.get("eventCategory");
    if (!only(category, "Equals") || category?.Equals?.length !== 1) {
      notes.push(`${name}: eventCategory not understood, its events not counted`);
      return;
    }
    const kind = category.Equals[0];
    const side = readOnlySide(fields.get("readOnly"));
    if (!side) {
      notes.push(`${name}: readOnly condition not understood, its events not counted`);
      return;
    }
    if (kind === "Management") {
      const known = new Set(["eventCategory", "readOnly", "eventSource"]);
      const source = fields.get("eventSource");
      const unknown = [...fields.keys()].filter((f) => !known.has(f));
      if (unknown.length > 0 || (source !== undefined && !only(source, "NotEquals"))) {
        notes.push(`${name}: management events narrowed by ${[...unknown, ...(source ? ["eventSource"] : [])].join(", ")}, not counted`);
        return;
      }
      sides.push({ side, excluded: source?.NotEquals ?? [] });
      return;
    }
    if (kind !== "Data") return;
    const type = fields.get("resources.type");
    if (!only(type, "Equals") || !type?.Equals?.includes(S3_OBJECT)) return;
    const known = new Set(["eventCategory", "readOnly", "resources.type", "resources.ARN", "eventName"]);
    const unknown = [...fields.keys()].filter((f) => !known.has(f));
    const scopes = arnScopes(fields.get("resources.ARN"));
    const names = eventNames(fields.get("eventName"));
    if (unknown.length > 0 || !scopes || !names) {
      notes.push(`${name}: S3 object events narrowed by a condition not understood, not counted`);
      return;
    }
    if (side.read && names.read) s3Read.push(...scopes);
    if (side.write && names.write) s3Write.push(...scopes);
  });
  return { selectorKind: "advanced", ...management(sides), s3Read: collapse(s3Read), s3Write: collapse(s3Write), notes };
}

/** GetEventSelectors' answer, basic or advanced; a trail answering neither records nothing this reading can vouch for. */
export function interpretSelectors(answer: Selectors): Recording {
  if (answer.AdvancedEventSelectors && answer.AdvancedEventSelectors.length > 0) return interpretAdvanced(answer.AdvancedEventSelectors);
  if (answer.EventSelectors && answer.EventSelectors.length > 0) return interpretBasic(answer.EventSelectors);
  return {
    selectorKind: "basic",
    managementEvents: "none",
    excludedSources: [],
    s3Read: [],
    s3Write: [],
    notes: ["GetEventSelectors returned no selectors"],
  };
}
