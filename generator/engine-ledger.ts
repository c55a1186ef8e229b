/**
 * The ledger of reads outside Athena's query records (issue 22): every generated Glue, Lake Formation
 * and S3 read as one `AccessEvent`, aggregated the way the audit's `access` table is, by day,
 * account, region, principal, engine, source and resource. The events are the plan the generator
 * wrote records from, so the entries are the independent truth the audit is tested against.
 */
import { dayOf } from "../core/days";
import { Caller, CloudTrailRecord } from "./cloudtrail";
import { Engine } from "./engine-actors";
import { callerArn, roleArn } from "./org";

/** The principal fields of a read made by `caller`. */
export function principalOf(caller: Caller): { principalArn: string; iamPrincipalArn: string } {
  return { principalArn: callerArn(caller.actor, caller.session), iamPrincipalArn: roleArn(caller.actor) };
}

export type AccessSource = "glue" | "lakeformation" | "s3";

/** One read as generated. */
export interface AccessEvent {
  at: Date;
  account: string;
  region: string;
  /** The caller as CloudTrail shows it, and its role or user. */
  principalArn: string;
  iamPrincipalArn: string;
  engine: Engine;
  source: AccessSource;
  resourceKind: "table" | "database" | "prefix";
  /** `db.table`, `db`, or `bucket/prefix/` (the table's location). */
  resource: string;
  /** The S3 object read (`bucket/key`); none for Glue and Lake Formation. */
  object?: string;
  bytes: number;
  /** Athena's own calls for a query: the audit must not count them as another engine. */
  countedByAudit: boolean;
  /** The trail recorded it (false: read management events not recorded, or a trail outage). */
  recorded: boolean;
}

/** A day's reads of one kind by one caller, aggregated as the access join aggregates them. */
export interface AccessEntry extends Omit<AccessEvent, "at" | "object"> {
  day: string;
  calls: number;
  /** Distinct S3 keys read (0 for Glue and Lake Formation); `bytes` is `bytesTransferredOut` summed. */
  objects: number;
}

/** The planted direct download: a stolen role reading a table's files with the CLI from a new network. */
export interface DirectDownload {
  day: string;
  account: string;
  principalArn: string;
  iamPrincipalArn: string;
  sourceIp: string;
  userAgent: string;
  /** `bucket/prefix/` of the table it read, and the table. */
  resource: string;
  table: string;
  objects: number;
  bytes: number;
}

/** The entries of a set of reads, one per (day, account, region, principal, engine, source, resource, recorded), sorted. */
export function aggregateAccess(events: readonly AccessEvent[]): AccessEntry[] {
  const groups = new Map<string, { entry: AccessEntry; objects: Set<string> }>();
  for (const e of events) {
    const { principalArn } = e;
    const day = dayOf(e.at);
    const key = [day, e.account, e.region, principalArn, e.engine, e.source, e.resourceKind, e.resource, e.recorded].join("\n");
    let group = groups.get(key);
    if (!group) {
      group = {
        entry: {
          day,
          account: e.account,
          region: e.region,
          principalArn,
          iamPrincipalArn: e.iamPrincipalArn,
          engine: e.engine,
          source: e.source,
          resourceKind: e.resourceKind,
          resource: e.resource,
          calls: 0,
          objects: 0,
          bytes: 0,
          countedByAudit: e.countedByAudit,
          recorded: e.recorded,
        },
        objects: new Set(),
      };
      groups.set(key, group);
    }
    group.entry.calls++;
    group.entry.bytes += e.bytes;
    if (e.object !== undefined) group.objects.add(e.object);
  }
  const order = (a: AccessEntry) =>
    [a.day, a.account, a.region, a.principalArn, a.engine, a.source, a.resourceKind, a.resource, String(a.recorded)].join(" ");
  return [...groups.values()]
    .map(({ entry, objects }) => ({ ...entry, objects: objects.size }))
    .sort((a, b) => order(a).localeCompare(order(b)));
}

const GLUE_READS = new Set(["GetDatabase", "GetTable", "GetPartitions", "GetTables", "GetPartition", "BatchGetPartition"]);

/**
 * The Glue reads among the simulation's other events (generator/cloudtrail.ts `NOISE`): calls the
 * principals' own clients made, so a direct use of the catalog (`cli`), or Glue's for the pipeline
 * whose client is Glue. A call that failed (`errorCode`) read nothing and is not an entry.
 */
export function noiseAccess(records: readonly { at: Date; record: CloudTrailRecord }[], account: string, region: string): AccessEvent[] {
  const events: AccessEvent[] = [];
  for (const { at, record } of records) {
    if (record.eventSource !== "glue.amazonaws.com" || !GLUE_READS.has(String(record.eventName)) || record.errorCode) continue;
    const identity = record.userIdentity as { arn: string; sessionContext?: { sessionIssuer?: { arn: string } } };
    const params = record.requestParameters as { databaseName: string; name: string };
    events.push({
      at,
      account,
      region,
      principalArn: identity.arn,
      iamPrincipalArn: identity.sessionContext?.sessionIssuer?.arn ?? identity.arn,
      engine: record.sourceIPAddress === "glue.amazonaws.com" ? "glue-etl" : "cli",
      source: "glue",
      resourceKind: "table",
      resource: `${params.databaseName}.${params.name}`,
      bytes: 0,
      countedByAudit: true,
      recorded: true,
    });
  }
  return events;
}
