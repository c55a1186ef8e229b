/**
 * Every engine's reads on a generated lake (issue 22): the access table the join writes holds, for
 * each day, principal, engine, source and table, exactly the calls, objects and bytes the
 * generator's ledger lists for reads outside Athena's own query runs (the Glue ETL job, Redshift
 * Spectrum, EMR through Lake Formation, the planted direct download, and the catalog calls the
 * simulation's noise makes); Athena's own calls for its queries are not in it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableLocations } from "../../generator/engine-actors";
import { AccessEntry } from "../../generator/engine-ledger";
import { joinedLake, JoinedLake } from "../support/lake";

let lake: JoinedLake;

beforeAll(async () => {
  lake = await joinedLake({ days: 6, seed: 7, endDay: "2026-10-31" });
});
afterAll(() => lake?.dispose());

/** A ledger entry as the access table keys it: an S3 read of a table's location is a read of the table. */
function keyOf(a: Pick<AccessEntry, "day" | "account" | "iamPrincipalArn" | "source" | "resourceKind" | "resource">): string {
  const table =
    a.resourceKind === "prefix" ? tableLocations(a.account).find((t) => `s3://${a.resource}`.startsWith(t.location))?.table : undefined;
  return [a.day, a.account, a.iamPrincipalArn, a.source, table ? "table" : a.resourceKind, table ?? a.resource].join(" ");
}

/** Sums by key: the join aggregates per caller ARN and engine, the ledger too; summed here per role for one comparison. */
function sums(rows: readonly { key: string; calls: number; objects: number; bytes: number }[]): Record<string, [number, number, number]> {
  const out: Record<string, [number, number, number]> = {};
  for (const r of rows) {
    const [calls, objects, bytes] = out[r.key] ?? [0, 0, 0];
    out[r.key] = [calls + r.calls, objects + r.objects, bytes + r.bytes];
  }
  return out;
}

describe("the access table on a generated lake", () => {
  it("holds exactly the ledger's reads outside Athena's own query runs: calls, objects and bytes", async () => {
    const expected = lake.ledger.access.filter((a) => a.countedByAudit && a.recorded);
    expect(new Set(expected.map((a) => a.engine))).toEqual(new Set(["glue-etl", "redshift-spectrum", "emr", "cli"]));
    const rows = (
      await lake.engine.run("SELECT dt, account_id, iam_principal_arn, source, resource_kind, resource, calls, objects, bytes FROM access")
    ).rows;
    const got = sums(
      rows.map((r) => ({
        key: [r.dt, r.account_id, r.iam_principal_arn, r.source, r.resource_kind, r.resource].map(String).join(" "),
        calls: Number(r.calls),
        objects: Number(r.objects),
        bytes: Number(r.bytes),
      })),
    );
    const want = sums(expected.map((a) => ({ key: keyOf(a), calls: a.calls, objects: a.objects, bytes: a.bytes })));
    expect(got).toEqual(want);
  });

  it("names the engine of each outside-Athena role, and never an engine for Athena's own calls", async () => {
    const rows = (await lake.engine.run("SELECT DISTINCT iam_principal_arn, engine, source FROM access ORDER BY 1, 2, 3")).rows;
    const engines = (role: string) => [
      ...new Set(rows.filter((r) => String(r.iam_principal_arn).endsWith(`/${role}`)).map((r) => r.engine)),
    ];
    expect(engines("etl-orders-glue")).toEqual(["glue-etl"]);
    expect(engines("redshift-spectrum")).toEqual(["redshift-spectrum"]);
    expect(engines("emr-hr-analytics-ec2")).toEqual(["emr"]);
    expect(rows.some((r) => r.engine === "athena")).toBe(false);
    const athenaOwn = lake.ledger.access.filter((a) => !a.countedByAudit);
    expect(athenaOwn.length, "the lake has Athena's own catalog and object reads").toBeGreaterThan(0);
  });

  it("shows the planted direct download: the stolen role's objects and bytes of the table, from its new network", async () => {
    const download = lake.ledger.directDownload!;
    const rows = (
      await lake.engine.run(
        "SELECT engine, objects, bytes, source_ips FROM access " +
          "WHERE dt = :day AND iam_principal_arn = :who AND source = 's3' AND resource = :table",
        { day: download.day, who: download.iamPrincipalArn, table: download.table },
      )
    ).rows;
    expect(rows.map((r) => [r.engine, Number(r.objects), Number(r.bytes), JSON.parse(String(r.source_ips)) as string[]])).toEqual([
      ["cli", download.objects, download.bytes, [download.sourceIp]],
    ]);
  });
});
