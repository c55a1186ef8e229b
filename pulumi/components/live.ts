/**
 * The live path (docs/live-alerts.md): EventBridge sends every finished query of the account and
 * region, and the StartQueryExecution call CloudTrail saw (its principal), to a function that judges
 * what needs no history and publishes to an SNS topic (and, if asked, Security Hub) within minutes.
 * The daily detector stays the safety net: this path is best effort.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LIVE_ENVIRONMENT, writeEnvironment } from "../../core/environment";
import { anomalySettingsKey } from "../../core/layout";
import { DEFAULT_WORK_GROUP, PRODUCT, resourceName } from "../../core/names";
import { liveFactory } from "../handlers";
import { livePolicy } from "../policies";
import { AuditFunction } from "./function";

/** The events the function is sent: queries that finished, and the calls that started them (for their principal). */
export function liveEventPatterns(auditWorkGroup: string): Record<string, unknown>[] {
  return [
    {
      source: ["aws.athena"],
      "detail-type": ["Athena Query State Change"],
      // The audit's own report queries are not judged.
      detail: { currentState: ["SUCCEEDED", "FAILED", "CANCELLED"], workgroupName: [{ "anything-but": auditWorkGroup }] },
    },
    {
      source: ["aws.athena"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: { eventSource: ["athena.amazonaws.com"], eventName: ["StartQueryExecution"] },
    },
  ];
}

export interface LiveAlertsArgs {
  bucket: pulumi.Input<string>;
  prefix: string;
  region: string;
  account: string;
  partition: string;
  kmsKeyArn?: string;
  lambdaRoleArn?: string;
  securityHub: boolean;
  /** The bucket key of the anomaly settings object the main stack writes. */
  settingsKey: string;
}

export class LiveAlerts extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly function: AuditFunction;

  constructor(name: string, args: LiveAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PRODUCT}:live:LiveAlerts`, name, {}, opts);
    const parent = { parent: this };
    this.topic = new aws.sns.Topic(
      name,
      {
        name: resourceName("alerts", pulumi.getStack()),
        displayName: `${PRODUCT} alerts`,
        // Encrypted at rest; without the audit's key, with SNS's AWS managed key.
        kmsMasterKeyId: args.kmsKeyArn ?? "alias/aws/sns",
      },
      parent,
    );
    this.function = new AuditFunction(
      name,
      {
        functionName: resourceName("live", pulumi.getStack()),
        description: `${PRODUCT}: judges each finished Athena query within minutes and alerts`,
        callbackFactory: liveFactory(),
        policy: (logGroupArn) =>
          pulumi.all([args.bucket, this.topic.arn]).apply(([bucket, topicArn]) =>
            livePolicy({
              partition: args.partition,
              region: args.region,
              account: args.account,
              bucket,
              prefix: args.prefix,
              kmsKeyArn: args.kmsKeyArn,
              logGroupArn,
              topicArn,
              securityHub: args.securityHub,
              settingsKey: args.settingsKey,
            }),
          ),
        existingRoleArn: args.lambdaRoleArn,
        environment: writeEnvironment(LIVE_ENVIRONMENT, {
          bucket: args.bucket,
          prefix: args.prefix,
          account: args.account,
          topicArn: this.topic.arn,
          securityHub: String(args.securityHub),
          settingsKey: args.settingsKey,
        }),
        trigger: { eventPatterns: liveEventPatterns(DEFAULT_WORK_GROUP) },
        // A GetQueryExecution, a few small state objects and a publish per query.
        memoryMb: 256,
        timeoutSeconds: 60,
        kmsKeyArn: args.kmsKeyArn,
      },
      parent,
    );
    this.registerOutputs({ topicArn: this.topic.arn, functionName: this.function.function.name });
  }
}

/** The live alerts of the caller's account in `settings.region`, reading the main stack's anomaly settings object. */
export function liveAlerts(
  settings: { region: string; prefix: string; kmsKeyArn?: string; lambdaRoleArn?: string; securityHub: boolean },
  bucket: pulumi.Input<string>,
  caller: { account: string; partition: string },
  dependsOn: pulumi.Resource[] = [],
): LiveAlerts {
  return new LiveAlerts(
    "live",
    {
      bucket,
      prefix: settings.prefix,
      region: settings.region,
      account: caller.account,
      partition: caller.partition,
      kmsKeyArn: settings.kmsKeyArn,
      lambdaRoleArn: settings.lambdaRoleArn,
      securityHub: settings.securityHub,
      settingsKey: anomalySettingsKey(settings.prefix),
    },
    { dependsOn },
  );
}
