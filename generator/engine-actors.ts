/**
 * The main account's principals that read tables outside Athena (issue 22): a Glue ETL job, Redshift
 * Spectrum, an EMR cluster reading a Lake Formation-governed table, and Lake Formation's own data
 * access role whose `AWSLF-…` sessions read S3 for the cluster. None of them runs an Athena query, so
 * they are not in `ACTORS` (the simulation never sees them); they hold grants like every actor.
 * Where each table lives (`tableLocations`) is the one answer the catalog, the grants and the S3
 * reads share.
 */
import { Actor } from "./actor";
import { ACCOUNT_ID, databasesOf, orgAccount, roleArn } from "./org";

/** How a read reached the data: the engine the audit should name (`cli`: a direct caller). */
export type Engine = "glue-etl" | "redshift-spectrum" | "emr" | "cli" | "athena";

/** One table of an account's catalog and its S3 location (`s3://bucket/prefix/`). */
export interface TableLocation {
  table: string;
  location: string;
}

/** Every table of an account's catalog with its location: one prefix per table in the account's lake bucket. */
export function tableLocations(account: string): TableLocation[] {
  const { lakeBucket } = orgAccount(account);
  return Object.entries(databasesOf(account)).flatMap(([database, tables]) =>
    tables.map((name) => ({ table: `${database}.${name}`, location: `s3://${lakeBucket}/${database}/${name}/` })),
  );
}

/** A table's location as S3 names it in a data event: bucket and key prefix. */
export function tablePrefix(account: string, table: string): { bucket: string; prefix: string } {
  const found = tableLocations(account).find((t) => t.table === table);
  if (!found) throw new Error(`no table ${table} in account ${account}`);
  const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(found.location) ?? [];
  if (bucket === undefined || prefix === undefined) throw new Error(`${found.location} is not s3://bucket/prefix`);
  return { bucket, prefix };
}

/** What the engines' actors share with Athena's: an identity CloudTrail can name, and nothing to simulate. */
function engineActor(key: string, name: string, sessions: readonly string[], databases: readonly string[]): Actor {
  return {
    key,
    account: ACCOUNT_ID,
    type: "AssumedRole",
    name,
    sessions,
    clients: [],
    regions: ["us-east-1"],
    workGroups: [],
    databases,
    perDay: 0,
    hours: [0, 0],
    medianBytes: 0,
    spread: 0,
    errors: "pipeline",
    human: false,
  };
}

/** The nightly Glue job: Glue runs it as its role in the session `GlueJobRunnerSession`. */
const GLUE_ETL = engineActor("etl-orders-glue", "etl-orders-glue", ["GlueJobRunnerSession"], ["sales"]);
/** The Redshift cluster's IAM role for Spectrum; Redshift assumes it in a session of its own. */
const REDSHIFT = engineActor("redshift-spectrum", "redshift-spectrum", ["RedshiftIamRoleSession"], ["finance"]);
/** The EMR cluster's EC2 instance role (the instance profile's session is the instance id). */
const EMR = engineActor("emr-hr-analytics", "emr-hr-analytics-ec2", ["i-0c4e2a91f3b7d6058"], ["hr"]);
/**
 * Lake Formation's data access role (the service-linked one a registered location uses); its
 * sessions are named per vended credential (`AWSLF-00-<engine>-<account>-<id>`), so drawn per day.
 */
const LAKE_FORMATION = engineActor(
  "lake-formation-data-access",
  "aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess",
  [],
  [],
);

/** The Lake Formation-governed table the EMR cluster reads (hidden by Lake Formation from everyone else). */
export const GOVERNED_TABLE = "hr.salaries";

export interface EngineActor {
  key: string;
  engine: Engine | "lake-formation";
  /** The role name (with its path) and its ARN. */
  name: string;
  arn: string;
  /** The tables it reads. */
  tables: readonly string[];
  actor: Actor;
}

const entry = (actor: Actor, engine: EngineActor["engine"], tables: readonly string[]): EngineActor => ({
  key: actor.key,
  engine,
  name: actor.name,
  arn: roleArn(actor),
  tables,
  actor,
});

/** The engines' principals, for the generator and for tests. */
export const ENGINE_ACTORS = {
  glueEtl: entry(GLUE_ETL, "glue-etl", ["sales.orders", "sales.customers"]),
  redshift: entry(REDSHIFT, "redshift-spectrum", ["finance.ledger"]),
  emr: entry(EMR, "emr", [GOVERNED_TABLE]),
  lakeFormation: entry(LAKE_FORMATION, "lake-formation", [GOVERNED_TABLE]),
} as const;

/** The principals that hold grants (Lake Formation's own role is AWS's, with no policy of the account's). */
export const GRANTED_ENGINE_ACTORS: readonly Actor[] = [GLUE_ETL, REDSHIFT, EMR];
