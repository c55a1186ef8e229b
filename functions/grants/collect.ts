/**
 * The grants collector (main region, daily): reads IAM in one sweep (GetAccountAuthorizationDetails,
 * paged), the Glue Data Catalog (databases, tables and their locations, paged) and Athena's work
 * groups, decides every principal's access with iam-simulate, and writes the day's snapshot to the
 * grants table, under its own account (IAM answers for the caller's account only). Principals that
 * cannot be evaluated are written too, as `unevaluated` rows. Beside it, the trails snapshot: what
 * each trail the account can see records (functions/grants/trails.ts).
 */
import * as athena from "@aws-sdk/client-athena";
import * as cloudtrail from "@aws-sdk/client-cloudtrail";
import * as glue from "@aws-sdk/client-glue";
import * as iam from "@aws-sdk/client-iam";
import * as lakeformation from "@aws-sdk/client-lakeformation";
import * as s3 from "@aws-sdk/client-s3";
import { dayOf } from "../../core/days";
import { grantsObjectKey } from "../../core/layout";
import { Logger } from "../runtime/log";
import { principalsOf } from "./authz";
import { Catalog, CatalogTable, evaluateGrants } from "./evaluate";
import { lakeFormationGrants } from "./lake-formation";
import { grantRows, grantsObject } from "./rows";
import { LakeTrail } from "../../core/layout";
import { collectTrails, TrailsSummary } from "./trails";

export interface GrantsDeps {
  iam: iam.IAMClient;
  /** Set when the account uses Lake Formation: its grants are read too. */
  lakeFormation?: lakeformation.LakeFormationClient;
  glue: glue.GlueClient;
  athena: athena.AthenaClient;
  /** CloudTrail in a region (default the collector's): the trails snapshot is read through it. */
  cloudTrail: (region?: string) => cloudtrail.CloudTrailClient;
  /** Where the audit reads CloudTrail from, when the stack knows it. */
  lakeTrail?: LakeTrail;
  s3: s3.S3Client;
  bucket: string;
  prefix: string;
  /** The account whose IAM the collector reads: it keys the snapshot. */
  account: string;
  log: Logger;
  now?: Date;
}

export interface GrantsSummary {
  snapshot: string;
  key: string;
  principals: number;
  grants: number;
  conditional: number;
  unevaluated: { principalArn: string; reason: string }[];
  catalog: { workGroups: number; databases: number; tables: number };
  trails: TrailsSummary;
  apiCalls: Record<string, number>;
}

const ARN = /^arn:([^:]+):iam::(\d{12}):/;

async function readCatalog(deps: GrantsDeps, calls: Record<string, number>): Promise<Omit<Catalog, "partition" | "account">> {
  const count = (op: string) => (calls[op] = (calls[op] ?? 0) + 1);
  const workGroups: string[] = [];
  for await (const page of athena.paginateListWorkGroups({ client: deps.athena }, {})) {
    count("ListWorkGroups");
    for (const w of page.WorkGroups ?? []) if (w.Name) workGroups.push(w.Name);
  }
  const databases: string[] = [];
  for await (const page of glue.paginateGetDatabases({ client: deps.glue }, {})) {
    count("GetDatabases");
    for (const d of page.DatabaseList ?? []) if (d.Name) databases.push(d.Name);
  }
  const tables: CatalogTable[] = [];
  for (const database of databases) {
    for await (const page of glue.paginateGetTables({ client: deps.glue }, { DatabaseName: database })) {
      count("GetTables");
      for (const t of page.TableList ?? []) if (t.Name) tables.push({ database, name: t.Name, location: t.StorageDescriptor?.Location });
    }
  }
  return { region: await deps.athena.config.region(), workGroups: workGroups.sort(), databases: databases.sort(), tables };
}

export async function collectGrants(deps: GrantsDeps): Promise<GrantsSummary> {
  const calls: Record<string, number> = {};
  const pages: iam.GetAccountAuthorizationDetailsCommandOutput[] = [];
  for await (const page of iam.paginateGetAccountAuthorizationDetails(
    { client: deps.iam },
    { Filter: ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"] },
  )) {
    calls.GetAccountAuthorizationDetails = (calls.GetAccountAuthorizationDetails ?? 0) + 1;
    pages.push(page);
  }
  const principals = principalsOf(pages);
  const [, partition = "aws"] = ARN.exec(principals[0]?.arn ?? "") ?? [];
  const catalog: Catalog = { partition, account: deps.account, ...(await readCatalog(deps, calls)) };
  const evaluated = await evaluateGrants(principals, catalog);
  const grants = deps.lakeFormation
    ? [...evaluated.grants, ...(await lakeFormationGrants(deps.lakeFormation, catalog, calls))]
    : evaluated.grants;
  const unevaluated = evaluated.unevaluated;
  const rows = grantRows(principals, grants, unevaluated, catalog.tables);
  const snapshot = dayOf(deps.now ?? new Date());
  const key = grantsObjectKey(deps.account, snapshot, deps.prefix);
  await deps.s3.send(
    new s3.PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: grantsObject(rows), ContentType: "application/x-ndjson" }),
  );
  calls.PutObject = 1;
  const trails = await collectTrails({ ...deps, lake: deps.lakeTrail }, snapshot, calls);
  for (const u of unevaluated) deps.log.error("unevaluated-principal", { principalArn: u.principalArn, reason: u.reason });
  const summary: GrantsSummary = {
    snapshot,
    key,
    principals: principals.length,
    grants: grants.length,
    conditional: grants.filter((g) => g.certainty === "conditional").length,
    unevaluated,
    catalog: { workGroups: catalog.workGroups.length, databases: catalog.databases.length, tables: catalog.tables.length },
    trails,
    apiCalls: calls,
  };
  deps.log.info("done", { ...summary, unevaluated: unevaluated.length });
  return summary;
}
