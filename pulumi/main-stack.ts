/** The main stack: storage, catalog, the audit's work group, its functions, a trail if asked, reporting access. */
import { anomalySettingsKey, LakeTrail } from "../core/layout";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_DATABASE as DATABASE, DEFAULT_WORK_GROUP as WORK_GROUP, PRODUCT, resourceName } from "../core/names";
import { joinSqlTexts } from "../queries/join/sql";
import { AuditCatalog } from "./components/catalog";
import { AuditFunction } from "./components/function";
import { liveAlerts } from "./components/live";
import { ReportingAccess } from "./components/reporting";
import { AuditStorage } from "./components/storage";
import { AuditTrail, TRAIL_PREFIX, trailDeliveryStatements } from "./components/trail";
import { accessTable, billingTable, cloudTrailTable, eventsTable, grantsTable, historyTable, liveAlertsTable, trailsTable } from "./glue";
import { billingCollectorFactory, joinFactory, grantsCollectorFactory, historyCollectorFactory } from "./handlers";
import { billingPolicy, grantsPolicy, historyPolicy, joinPolicy, memberStatements, reportingPolicy } from "./policies";
import {
  BILLING_COLLECTOR_ENVIRONMENT,
  GRANTS_COLLECTOR_ENVIRONMENT,
  HISTORY_COLLECTOR_ENVIRONMENT,
  JOIN_ENVIRONMENT,
  writeEnvironment,
} from "../core/environment";
import { ConfigError } from "../core/errors";
import { MainSettings } from "../core/settings/settings";

export interface Caller {
  account: string;
  partition: string;
}

/**
 * The history collector of the caller's account in `settings.region`: every work group's history a
 * day under `history/account=<caller>/` of `bucket`. Main and collector stacks deploy it alike.
 */
export function historyFunction(
  settings: { region: string; prefix: string; kmsKeyArn?: string; lambdaRoleArn?: string; schedule: string },
  bucket: pulumi.Input<string>,
  caller: Caller,
): AuditFunction {
  return new AuditFunction("history", {
    functionName: resourceName("history", pulumi.getStack()),
    description: `${PRODUCT}: copies Athena query history into the audit bucket`,
    callbackFactory: historyCollectorFactory(),
    policy: (logGroupArn) =>
      pulumi.output(bucket).apply((b) =>
        historyPolicy({
          ...caller,
          region: settings.region,
          bucket: b,
          prefix: settings.prefix,
          kmsKeyArn: settings.kmsKeyArn,
          logGroupArn,
        }),
      ),
    existingRoleArn: settings.lambdaRoleArn,
    environment: writeEnvironment(HISTORY_COLLECTOR_ENVIRONMENT, {
      bucket,
      prefix: settings.prefix,
      account: caller.account,
      auditWorkGroup: WORK_GROUP,
    }),
    trigger: { schedule: settings.schedule },
    // The collector benchmark: 100k executions in ~400 s at ~140 MB; leave room for larger days.
    memoryMb: 512,
    timeoutSeconds: 900,
    firstRunInput: { backfillDays: 45 },
    kmsKeyArn: settings.kmsKeyArn,
  });
}

/** A `lakeTrail` stack output as read back: undefined unless it is one (a main stack from before it was written has none). */
export function asLakeTrail(value: unknown): LakeTrail | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { bucket, prefix } = value as Record<string, unknown>;
  return typeof bucket === "string" && bucket !== "" ? { bucket, prefix: typeof prefix === "string" ? prefix : "" } : undefined;
}

/**
 * The grants collector of the caller's account: its IAM (account-wide), its Glue catalog and work
 * groups in `settings.region`, a snapshot a day under `grants/account=<caller>/` of `bucket`. The
 * main stack deploys it, and a collector stack with `collectGrants` (a member account's, writing
 * into the main bucket as the bucket policy admits it).
 */
export function grantsFunction(
  settings: { region: string; prefix: string; kmsKeyArn?: string; lambdaRoleArn?: string; lakeFormation: boolean; schedule: string },
  bucket: pulumi.Input<string>,
  caller: Caller,
  /** Where the audit reads CloudTrail from, so the trails snapshot says which trail delivers there (undefined: unknown). */
  lakeTrail?: pulumi.Output<LakeTrail | undefined>,
): AuditFunction {
  return new AuditFunction("grants", {
    functionName: resourceName("grants", pulumi.getStack()),
    description: `${PRODUCT}: evaluates what each principal may query into the grants table`,
    callbackFactory: grantsCollectorFactory(),
    policy: (logGroupArn) =>
      pulumi.output(bucket).apply((b) =>
        grantsPolicy({
          ...caller,
          region: settings.region,
          bucket: b,
          prefix: settings.prefix,
          kmsKeyArn: settings.kmsKeyArn,
          logGroupArn,
          lakeFormation: settings.lakeFormation,
        }),
      ),
    existingRoleArn: settings.lambdaRoleArn,
    environment: writeEnvironment(GRANTS_COLLECTOR_ENVIRONMENT, {
      bucket,
      prefix: settings.prefix,
      account: caller.account,
      lakeFormation: String(settings.lakeFormation),
      // Empty when unknown: the collector then says, per trail, that it cannot tell.
      trailBucket: lakeTrail?.apply((t) => t?.bucket ?? ""),
      trailPrefix: lakeTrail?.apply((t) => t?.prefix ?? ""),
    }),
    trigger: { schedule: settings.schedule },
    memoryMb: 1024,
    timeoutSeconds: 900,
    firstRunInput: {},
    kmsKeyArn: settings.kmsKeyArn,
  });
}

/** The billing collector (`collectBilling`): Cost Explorer's daily cost of Athena into the billing table. */
function billingFunction(s: MainSettings, bucket: pulumi.Output<string>, caller: Caller): AuditFunction {
  return new AuditFunction("billing", {
    functionName: resourceName("billing", pulumi.getStack()),
    description: `${PRODUCT}: copies what AWS billed for Athena (Cost Explorer) into the billing table`,
    callbackFactory: billingCollectorFactory(),
    policy: (logGroupArn) =>
      bucket.apply((b) => billingPolicy({ ...caller, region: s.region, bucket: b, prefix: s.prefix, kmsKeyArn: s.kmsKeyArn, logGroupArn })),
    existingRoleArn: s.lambdaRoleArn,
    environment: writeEnvironment(BILLING_COLLECTOR_ENVIRONMENT, {
      bucket,
      prefix: s.prefix,
      account: caller.account,
      workGroupTag: s.billingWorkGroupTag,
    }),
    trigger: { schedule: s.schedules.billing },
    // A few Cost Explorer pages and a few small objects a run.
    memoryMb: 256,
    timeoutSeconds: 300,
    // The last few days at once, so the reconciliation has a bill before the first schedule.
    firstRunInput: {},
    kmsKeyArn: s.kmsKeyArn,
  });
}

export function mainStack(s: MainSettings, caller: Caller) {
  // The stack's own collector writes with its role alone; listing its account would only widen the policy.
  if (s.memberAccounts.includes(caller.account))
    throw new ConfigError("memberAccounts", `lists ${caller.account}, the account this stack deploys to: list member accounts only`);
  const trailName = `${PRODUCT}-${pulumi.getStack()}`;
  const trailArn = `arn:${caller.partition}:cloudtrail:${s.region}:${caller.account}:trail/${trailName}`;
  const storage = new AuditStorage("audit", {
    existingBucketName: s.bucketName,
    prefix: s.prefix,
    kmsKeyArn: s.kmsKeyArn,
    // The join deletes history once joined and past the retention; the lifecycle is a backstop
    // a month later for anything it did not reach (a region no longer joined, say).
    historyExpirationDays: s.historyRetentionDays ? s.historyRetentionDays + 30 : undefined,
    extraStatements: (arn) => [
      ...(s.createTrail ? trailDeliveryStatements(arn, trailArn, caller.account) : []),
      ...memberStatements(arn, s.prefix, { accounts: s.memberAccounts, organizationId: s.organizationId }),
    ],
  });
  if (s.createTrail)
    new AuditTrail(
      trailName,
      { bucketName: storage.bucketName, kmsKeyArn: s.kmsKeyArn, lakeReads: s.trailLakeReads, partition: caller.partition },
      { dependsOn: storage.ready },
    );
  const trailSource = storage.bucketName.apply(
    (bucket) => s.cloudTrail ?? { bucket, prefix: TRAIL_PREFIX, accounts: [caller.account], regions: s.joinRegions },
  );
  const catalog = new AuditCatalog("audit", {
    databaseName: DATABASE,
    tables: [
      {
        name: "history",
        spec: storage.bucketName.apply((b) =>
          historyTable(b, s.prefix, s.joinRegions, s.workGroups, [caller.account, ...s.memberAccounts]),
        ),
      },
      { name: "cloudtrail", spec: trailSource.apply(cloudTrailTable) },
      { name: "events", spec: storage.bucketName.apply((b) => eventsTable(b, s.prefix, s.joinRegions)) },
      { name: "access", spec: storage.bucketName.apply((b) => accessTable(b, s.prefix, s.joinRegions)) },
      { name: "grants", spec: storage.bucketName.apply((b) => grantsTable(b, s.prefix, [caller.account, ...s.memberAccounts])) },
      { name: "trails", spec: storage.bucketName.apply((b) => trailsTable(b, s.prefix, [caller.account, ...s.memberAccounts])) },
      // Also without the billing collector: bill_reconciliation then reads an empty table ("no bill collected").
      { name: "billing", spec: storage.bucketName.apply((b) => billingTable(b, s.prefix)) },
      { name: "live_alerts", spec: storage.bucketName.apply((b) => liveAlertsTable(b, s.prefix, [caller.account, ...s.memberAccounts])) },
    ],
    workGroupName: WORK_GROUP,
    resultsLocation: pulumi.interpolate`s3://${storage.bucketName}/${s.prefix}/query-results/`,
    kmsKeyArn: s.kmsKeyArn,
    bytesScannedCutoff: s.bytesScannedCutoff,
    tb: s.billingTb,
  });
  const history = historyFunction({ ...s, schedule: s.schedules.history }, storage.bucketName, caller);
  const scope = { ...caller, region: s.region, prefix: s.prefix, kmsKeyArn: s.kmsKeyArn, workGroup: WORK_GROUP, database: DATABASE };
  const join = new AuditFunction(
    "join",
    {
      functionName: resourceName("join", pulumi.getStack()),
      description: `${PRODUCT}: joins history with CloudTrail into the events table`,
      // The join's SQL with or without the system table as second witness, fixed at deployment.
      callbackFactory: joinFactory(joinSqlTexts({ systemTables: s.systemTables })),
      policy: (logGroupArn) =>
        pulumi.all([storage.bucketName, trailSource]).apply(([bucket, trail]) =>
          joinPolicy({
            ...scope,
            bucket,
            logGroupArn,
            trailBucket: trail.bucket,
            trailPrefix: trail.prefix,
            trailKmsKeyArn: trail.kmsKeyArn,
            expireHistory: s.historyRetentionDays !== undefined,
            systemTables: s.systemTables,
          }),
        ),
      existingRoleArn: s.lambdaRoleArn,
      environment: writeEnvironment(JOIN_ENVIRONMENT, {
        bucket: storage.bucketName,
        prefix: s.prefix,
        workGroup: WORK_GROUP,
        database: DATABASE,
        regions: s.joinRegions.join(","),
        historyRetentionDays: s.historyRetentionDays === undefined ? undefined : String(s.historyRetentionDays),
        tb: s.billingTb,
        systemTables: String(s.systemTables),
      }),
      trigger: { schedule: s.schedules.join },
      memoryMb: 256,
      timeoutSeconds: 900,
      // Once the history backfill is in: the scheduled input, which joins every day with history not yet joined.
      firstRunInput: {},
      firstRunAfter: [catalog, ...(history.firstRun ? [history.firstRun] : [])],
      kmsKeyArn: s.kmsKeyArn,
    },
    { dependsOn: [catalog] },
  );
  const lakeTrail = trailSource.apply((t): LakeTrail => ({ bucket: t.bucket, prefix: t.prefix }));
  const grants = grantsFunction({ ...s, schedule: s.schedules.grants }, storage.bucketName, caller, lakeTrail);
  const billing = s.collectBilling ? billingFunction(s, storage.bucketName, caller) : undefined;
  // The anomaly settings, where every stack's live alerts read them (and `report --anomaly-settings` can too).
  const settingsObject = new aws.s3.BucketObjectv2(
    "anomaly-settings",
    {
      bucket: storage.bucketName,
      key: anomalySettingsKey(s.prefix),
      content: `${JSON.stringify(s.anomalySettings, null, 2)}\n`,
      contentType: "application/json",
    },
    { dependsOn: storage.ready },
  );
  const live = s.liveAlerts ? liveAlerts(s, storage.bucketName, caller, [settingsObject]) : undefined;
  const reporting = s.githubRepository
    ? new ReportingAccess("reports", {
        repository: s.githubRepository,
        existingProviderArn: s.githubOidcProviderArn,
        policy: storage.bucketName.apply((bucket) => reportingPolicy({ ...scope, bucket })),
      })
    : undefined;
  return {
    bucket: storage.bucketName,
    region: pulumi.output(s.region),
    workGroup: catalog.workGroupName,
    database: catalog.databaseName,
    reportingRoleArn: reporting?.roleArn,
    billingTb: pulumi.output(s.billingTb),
    collectBilling: pulumi.output(s.collectBilling),
    systemTables: pulumi.output(s.systemTables),
    // For member accounts' grants collectors (collector stacks): which trail delivers into the lake.
    lakeTrail,
    // Whose history and grants should arrive: a report can name an account that never sent any.
    // (Accounts admitted only through `organizationId` cannot be listed here.)
    expectedAccounts: pulumi.output([caller.account, ...s.memberAccounts]),
    historyFunction: history.function.name,
    joinFunction: join.function.name,
    grantsFunction: grants.function.name,
    billingFunction: billing?.function.name,
    alertTopic: live?.topic.arn,
    liveFunction: live?.function.function.name,
  };
}
