/**
 * A collector stack (each extra region, and each region of a member account): the history collector
 * and its schedule, writing to the main stack's bucket; with `collectGrants`, the account's grants
 * collector too (one collector stack per account sets it: IAM is global); with `liveAlerts` (the
 * default), the live alerts of its account and region.
 */
import * as pulumi from "@pulumi/pulumi";
import { liveAlerts } from "./components/live";
import { asLakeTrail, Caller, grantsFunction, historyFunction } from "./main-stack";
import { CollectorSettings } from "../core/settings/settings";

export function collectorStack(s: CollectorSettings, caller: Caller) {
  const main = s.bucketName ? undefined : new pulumi.StackReference(s.mainStack as string);
  const bucket: pulumi.Output<string> = main ? main.requireOutput("bucket").apply(String) : pulumi.output(s.bucketName as string);
  const history = historyFunction({ ...s, schedule: s.schedules.history }, bucket, caller);
  // Where the lake's trail delivers, from the main stack; unknown with `bucketName` (the trails snapshot then says so).
  const lakeTrail = main ? main.getOutput("lakeTrail").apply(asLakeTrail) : pulumi.output(undefined);
  const grants = s.collectGrants ? grantsFunction({ ...s, schedule: s.schedules.grants }, bucket, caller, lakeTrail) : undefined;
  // The main stack's anomaly settings object, read from its bucket (a member account is admitted to it).
  const live = s.liveAlerts ? liveAlerts(s, bucket, caller) : undefined;
  return {
    bucket,
    region: pulumi.output(s.region),
    historyFunction: history.function.name,
    collectGrants: pulumi.output(s.collectGrants),
    grantsFunction: grants?.function.name,
    alertTopic: live?.topic.arn,
    liveFunction: live?.function.function.name,
  };
}
