/** Grants-table rows from an evaluation, in a stable order: shared by the collector and the demo. */
import * as zlib from "node:zlib";
import { toIsoTimestamp } from "../../core/history-record";
import { GRANTS } from "../../queries/schema/tables";
import { RowOf } from "../../queries/schema/types";
import { PrincipalPolicies } from "./authz";
import { CatalogTable, Grant, Unevaluated } from "./evaluate";

/** A grants-table row, typed from the table definition. */
export type GrantRow = RowOf<typeof GRANTS>;

/**
 * `tables`: the catalog's tables with their locations, so a table grant says where its data is read
 * (S3 reads of that prefix are reads of the table, by whatever engine).
 */
export function grantRows(
  principals: readonly PrincipalPolicies[],
  grants: readonly Grant[],
  unevaluated: readonly Unevaluated[],
  tables: readonly CatalogTable[] = [],
): GrantRow[] {
  const locations = new Map(tables.map((t) => [`${t.database}.${t.name}`, t.location ?? null]));
  const byArn = new Map(principals.map((p) => [p.arn, p]));
  const created = (arn: string) => {
    const date = byArn.get(arn)?.createDate;
    return date ? toIsoTimestamp(date) : null;
  };
  return [
    ...grants.map((g) => ({
      principal_arn: g.principalArn,
      principal_type: g.principalType,
      principal_created: created(g.principalArn),
      grant_kind: g.grantKind,
      resource: g.resource,
      access_path: g.accessPath,
      certainty: g.certainty,
      condition_keys: g.conditionKeys,
      note: null,
      location: g.grantKind === "table" ? (locations.get(g.resource) ?? null) : null,
    })),
    ...unevaluated.map((u) => ({
      principal_arn: u.principalArn,
      principal_type: byArn.get(u.principalArn)?.type ?? "unknown",
      principal_created: created(u.principalArn),
      grant_kind: "unevaluated",
      resource: "",
      access_path: "iam",
      certainty: "unevaluated",
      condition_keys: [],
      note: u.reason,
      location: null,
    })),
  ].sort((a, b) =>
    `${a.principal_arn} ${a.grant_kind} ${a.resource} ${a.access_path}`.localeCompare(
      `${b.principal_arn} ${b.grant_kind} ${b.resource} ${b.access_path}`,
    ),
  );
}

/** The snapshot object's bytes: gzip JSON lines. */
export function grantsObject(rows: readonly GrantRow[]): Buffer {
  return zlib.gzipSync(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
}
