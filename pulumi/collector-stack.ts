/** A collector stack (each extra region): the history collector and its schedule, writing to the main stack's bucket. */
import * as pulumi from "@pulumi/pulumi";
import { Caller, collectorFunction } from "./main-stack";
import { CollectorSettings } from "./settings";

export function collectorStack(s: CollectorSettings, caller: Caller) {
  const bucket: pulumi.Output<string> = s.bucketName
    ? pulumi.output(s.bucketName)
    : new pulumi.StackReference(s.mainStack as string).requireOutput("bucket").apply(String);
  const collector = collectorFunction("history", { ...s, schedule: s.schedules.collector }, bucket, caller);
  return { bucket, region: pulumi.output(s.region), collectorFunction: collector.function.name };
}
