/**
 * The local AWS an IAM contract run talks to: s3rver behind the IAM-aware front (every bucket the
 * stacks name), one Athena/Glue JSON server (history API, the organisation's Glue catalog, the
 * audit's own Glue tables, scripted queries, and users' queries by id for GetQueryExecution), IAM,
 * Lake Formation and CloudTrail servers, and, per stack variant, SNS and Security Hub servers in its
 * region and recording proxies that map each call to IAM requests with that variant's catalog.
 * Callers are named by access key id: `<variant>-<role>`.
 */
import * as http from "node:http";
import { authorizationDetails } from "../../../generator/iam";
import { present } from "../defined";
import { orgGlueOperations } from "../glue-catalog";
import { LocalGlueTables } from "../glue-tables";
import { historyOperations } from "../athena-history";
import { AthenaServer, ScriptedQuery, startAthenaServer } from "../athena-server";
import { startIamServer } from "../iam-server";
import { LocalS3, startS3 } from "../s3";
import { startCloudTrailServer } from "../cloudtrail-server";
import { SecurityHubServer, startSecurityHubServer } from "../securityhub-server";
import { SnsServer, startSnsServer } from "../sns-server";
import {
  AccountScope,
  athenaAndGlueMapper,
  cloudTrailMapper,
  iamMapper,
  lakeFormationMapper,
  securityHubMapper,
  snsMapper,
} from "./actions";
import { CatalogModel } from "./on-behalf";
import { CallLog, listen, readBody, startRecordingProxy } from "./recorder";
import { PolicyDocument, Principal } from "./simulate";

export interface World {
  s3: LocalS3;
  athena: AthenaServer;
  /** The audit's own Glue tables (GetTable, UpdateTable); load a variant's plan before running it. */
  glue: LocalGlueTables;
  principals: Map<string, Principal>;
  bucketPolicies: Record<string, PolicyDocument>;
  bucketKeys: Record<string, string>;
  /** The account owning each bucket that is not its caller's (the main bucket, for a member's collector). */
  bucketAccounts: Record<string, string>;
  /** Queries users ran, by id, as GetQueryExecution answers them (what the live alerts read). */
  executions: Map<string, Record<string, unknown>>;
  /**
   * The endpoints a variant's code is pointed at, and the log its calls land in. `topics`: the
   * variant's SNS topics (ARN -> customer managed KMS key, if any), which its SNS server has.
   */
  endpoints(
    variant: string,
    scope: AccountScope,
    catalog?: CatalogModel,
    topics?: Record<string, string | undefined>,
  ): Promise<{ env: Record<string, string>; log: CallLog; live: LiveServers }>;
  close(): Promise<void>;
}

/** A variant's SNS and Security Hub; `topics` is the SNS server's own list (a topic taken out of it is gone). */
export interface LiveServers {
  sns: SnsServer;
  topics: string[];
  securityHub: SecurityHubServer;
}

const LF_PERMISSIONS = [
  {
    Principal: { DataLakePrincipalIdentifier: "arn:aws:iam::210987654321:role/reporting-app" },
    Resource: { Database: { Name: "sales" } },
    Permissions: ["DESCRIBE"],
  },
];

export async function startWorld(options: {
  buckets: string[];
  workGroups: Record<string, Record<string, unknown>[]>;
  lastDay: string;
  script: (sql: string, parameters?: string[]) => ScriptedQuery;
}): Promise<World> {
  const log = new CallLog(); // the front's own log; each variant's calls are copied into its log
  const principals = new Map<string, Principal>();
  const bucketPolicies: Record<string, PolicyDocument> = {};
  const bucketKeys: Record<string, string> = {};
  const bucketAccounts: Record<string, string> = {};
  const [first, ...more] = options.buckets;
  const s3 = await startS3(present(first, "a bucket"), { more, iam: { log, principals, bucketPolicies, bucketKeys, bucketAccounts } });
  const glue = new LocalGlueTables();
  const executions = new Map<string, Record<string, unknown>>();
  const athena = await startAthenaServer({
    executions,
    operations: {
      ...historyOperations({ workGroups: options.workGroups }),
      ...orgGlueOperations(),
      ...glue.operations(),
    },
    script: options.script,
  });
  const iam = await startIamServer(authorizationDetails(options.lastDay), 5);
  const lakeFormation = await listen(
    http.createServer((req, res) => {
      void readBody(req).then(() => {
        res.writeHead(req.url === "/ListPermissions" ? 200 : 404, { "content-type": "application/json" });
        res.end(JSON.stringify({ PrincipalResourcePermissions: LF_PERMISSIONS }));
      });
    }),
  );
  const proxies: { close(): Promise<void> }[] = [];
  return {
    s3,
    athena,
    glue,
    principals,
    bucketPolicies,
    bucketKeys,
    bucketAccounts,
    executions,
    async endpoints(variant, scope, catalog, topicKeys = {}) {
      const variantLog = new CallLog();
      // S3 calls reach the shared front; keep this variant's (by key prefix) in its log.
      const record = log.record.bind(log);
      log.record = (call) => {
        record(call);
        if (call.principal.startsWith(`${variant}-`)) variantLog.record(call);
      };
      const athenaProxy = await startRecordingProxy({
        service: "athena",
        target: athena.url,
        log: variantLog,
        map: athenaAndGlueMapper(scope, catalog),
      });
      const iamProxy = await startRecordingProxy({ service: "iam", target: iam.url, log: variantLog, map: iamMapper });
      const lfProxy = await startRecordingProxy({
        service: "lakeformation",
        target: lakeFormation.url,
        log: variantLog,
        map: lakeFormationMapper,
      });
      // The account's own trail (a trail in another account would be judged cross-account, which
      // the simulation does not model for CloudTrail's organization trails).
      const cloudTrail = await startCloudTrailServer([
        {
          trail: {
            TrailARN: `arn:${scope.partition}:cloudtrail:${scope.region}:${scope.account}:trail/audit-trail`,
            Name: "audit-trail",
            HomeRegion: scope.region,
            IsMultiRegionTrail: true,
            IsOrganizationTrail: false,
            S3BucketName: "northwind-org-trail",
          },
          isLogging: true,
          selectors: { EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [] }] },
        },
      ]);
      const cloudTrailProxy = await startRecordingProxy({
        service: "cloudtrail",
        target: cloudTrail.url,
        log: variantLog,
        map: cloudTrailMapper,
      });
      // Both check the request's signature, made with the harness's secret, for the variant's region.
      const topics = Object.keys(topicKeys);
      const sns = await startSnsServer({ topics, region: scope.region });
      const snsProxy = await startRecordingProxy({
        service: "sns",
        target: sns.url,
        log: variantLog,
        map: snsMapper(topicKeys),
        signed: true,
      });
      const securityHub = await startSecurityHubServer({ region: scope.region });
      const securityHubProxy = await startRecordingProxy({
        service: "securityhub",
        target: securityHub.url,
        log: variantLog,
        map: securityHubMapper,
        signed: true,
      });
      proxies.push(athenaProxy, iamProxy, lfProxy, cloudTrail, cloudTrailProxy, sns, snsProxy, securityHub, securityHubProxy);
      return {
        log: variantLog,
        live: { sns, topics, securityHub },
        env: {
          AWS_ENDPOINT_URL_S3: s3.url,
          AWS_ENDPOINT_URL_ATHENA: athenaProxy.url,
          AWS_ENDPOINT_URL_GLUE: athenaProxy.url,
          AWS_ENDPOINT_URL_IAM: iamProxy.url,
          AWS_ENDPOINT_URL_LAKEFORMATION: lfProxy.url,
          AWS_ENDPOINT_URL_CLOUDTRAIL: cloudTrailProxy.url,
          AWS_ENDPOINT_URL_SNS: snsProxy.url,
          AWS_ENDPOINT_URL_SECURITYHUB: securityHubProxy.url,
          AUDIT_S3_FORCE_PATH_STYLE: "true",
        },
      };
    },
    async close() {
      for (const p of proxies) await p.close();
      await lakeFormation.close();
      await iam.close();
      await athena.close();
      await s3.close();
    },
  };
}
