/**
 * A collector stack (each extra region, and each region of a member account): the history collector
 * and its schedule, writing to the main stack's bucket; with `collectGrants`, the account's grants
 * collector too (one collector stack per account sets it: IAM is global).
 */
import * as pulumi from "@pulumi/pulumi";
import { Caller, collectorFunction, grantsFunction } from "./main-stack";
import { CollectorSettings } from "./settings";

export function collectorStack(s: CollectorSettings, caller: Caller) {
  const bucket: pulumi.Output<string> = s.bucketName
    ? pulumi.output(s.bucketName)
    : new pulumi.StackReference(s.mainStack as string).requireOutput("bucket").apply(String);
  const collector = collectorFunction("history", { ...s, schedule: s.schedules.collector }, bucket, caller);
  const grants = s.collectGrants ? grantsFunction({ ...s, schedule: s.schedules.grants }, bucket, caller) : undefined;
  return {
    bucket,
    region: pulumi.output(s.region),
    collectorFunction: collector.function.name,
    collectGrants: pulumi.output(s.collectGrants),
    grantsFunction: grants?.function.name,
  };
}
