/**
 * One of the audit's Lambda functions, packaged with `aws.lambda.CallbackFunction` (the serialized
 * closure plus its esbuild bundle, nothing from node_modules): its log group,
 * a role scoped to what it does (or an existing role), a schedule or event rules, retries with a failure queue,
 * an alarm on errors, and optionally a one-time invocation at first deployment.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AuditError } from "../../core/errors";
import { bundleOf, HandlerFactory, LambdaBundle } from "../handlers";
import { lambdaTrust, PolicyDocument, toJson } from "../policies";
import { PRODUCT } from "../../core/names";

/**
 * The folder holding a function's bundle (`index.js`, plus data files a bundled library reads from
 * disk), relative to the project folder `pulumi up` runs in. scripts/bundle.mjs writes it.
 */
export function bundleDirectory(bundle: LambdaBundle): string {
  return `dist/lambda/${bundle}`;
}

/**
 * Every dependency in package.json. The bundle already holds the code a function runs (the AWS SDK
 * included), so the archive must carry no node_modules: all of them are excluded.
 */
export function excludedPackages(projectDir: string = process.cwd()): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  return Object.keys(manifest.dependencies ?? {});
}

function codePathOptions(factory: HandlerFactory, name: string): pulumi.runtime.CodePathOptions {
  const bundle = bundleOf(factory);
  if (!bundle)
    throw new AuditError(`function ${name}: its callbackFactory must come from pulumi/handlers.ts, which knows the bundle it loads`);
  const dir = bundleDirectory(bundle);
  if (!fs.existsSync(path.join(dir, "index.js")))
    throw new AuditError(`function ${name}: ${dir}/index.js is missing; run \`npm run build\` first`);
  return { extraIncludePaths: [dir], extraExcludePackages: excludedPackages() };
}

export interface AuditFunctionArgs {
  functionName: string;
  description: string;
  /** Returns the handler; runs inside Lambda, so it may only `require` its bundle (see pulumi/handlers.ts). */
  callbackFactory: HandlerFactory;
  /** The role's permissions, given the function's log group ARN. */
  policy: (logGroupArn: string) => pulumi.Input<PolicyDocument>;
  /** Use this role instead of creating one. */
  existingRoleArn?: string;
  environment: Record<string, pulumi.Input<string>>;
  /** When it runs: an EventBridge schedule (invoked with `{}`), or the events matching each pattern (invoked with the event). */
  trigger: { schedule: string } | { eventPatterns: readonly Record<string, unknown>[] };
  memoryMb: number;
  timeoutSeconds: number;
  /** Invoked once when the function is first created (e.g. a 45-day backfill). */
  firstRunInput?: Record<string, unknown>;
  /** What that first run waits for: another function's first run, say (the join after the history backfill). */
  firstRunAfter?: pulumi.Resource[];
  kmsKeyArn?: string;
}

export class AuditFunction extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly roleArn: pulumi.Output<string>;
  readonly failureQueueArn: pulumi.Output<string>;
  /** The first run's invocation, when the function has one. */
  readonly firstRun?: aws.lambda.Invocation;

  constructor(name: string, args: AuditFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(`${PRODUCT}:functions:AuditFunction`, name, {}, opts);
    const parent = { parent: this };
    const logGroup = new aws.cloudwatch.LogGroup(
      name,
      { name: `/aws/lambda/${args.functionName}`, retentionInDays: 90, kmsKeyId: args.kmsKeyArn },
      parent,
    );
    let roleArn: pulumi.Output<string>;
    if (args.existingRoleArn) {
      roleArn = pulumi.output(args.existingRoleArn);
    } else {
      const role = new aws.iam.Role(name, { assumeRolePolicy: toJson(lambdaTrust()), description: args.description }, parent);
      new aws.iam.RolePolicy(
        name,
        { role: role.id, policy: logGroup.arn.apply((arn) => pulumi.output(args.policy(arn)).apply(toJson)) },
        parent,
      );
      roleArn = role.arn;
    }
    const failures = new aws.sqs.Queue(`${name}-failures`, { messageRetentionSeconds: 14 * 86_400, sqsManagedSseEnabled: true }, parent);
    this.function = new aws.lambda.CallbackFunction(
      name,
      {
        name: args.functionName,
        description: args.description,
        role: roleArn,
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        memorySize: args.memoryMb,
        timeout: args.timeoutSeconds,
        environment: { variables: args.environment },
        kmsKeyArn: args.kmsKeyArn,
        callbackFactory: args.callbackFactory,
        codePathOptions: codePathOptions(args.callbackFactory, name),
      },
      { parent: this, dependsOn: [logGroup] },
    );
    // Asynchronous invocations (the schedule) retry twice, then land in the failure queue.
    new aws.lambda.FunctionEventInvokeConfig(
      name,
      {
        functionName: this.function.name,
        maximumRetryAttempts: 2,
        maximumEventAgeInSeconds: 6 * 3600,
        destinationConfig: { onFailure: { destination: failures.arn } },
      },
      parent,
    );
    if (!args.existingRoleArn) {
      new aws.iam.RolePolicy(
        `${name}-failures`,
        {
          role: roleArn.apply((arn) => arn.split("/").pop() ?? arn),
          policy: failures.arn.apply((arn) =>
            toJson({
              Version: "2012-10-17",
              Statement: [{ Sid: "FailureQueue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: arn }],
            }),
          ),
        },
        parent,
      );
    }
    const rules =
      "schedule" in args.trigger
        ? [{ suffix: "", description: "schedule", rule: { scheduleExpression: args.trigger.schedule }, input: "{}" }]
        : args.trigger.eventPatterns.map((pattern, i) => ({
            suffix: i === 0 ? "" : `-${i + 1}`,
            description: "events",
            rule: { eventPattern: JSON.stringify(pattern) },
            input: undefined,
          }));
    for (const r of rules) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}${r.suffix}`,
        { description: `${args.description} (${r.description})`, ...r.rule },
        parent,
      );
      new aws.cloudwatch.EventTarget(
        `${name}${r.suffix}`,
        {
          rule: rule.name,
          arn: this.function.arn,
          input: r.input,
          retryPolicy: { maximumRetryAttempts: 4, maximumEventAgeInSeconds: 3600 },
        },
        parent,
      );
      new aws.lambda.Permission(
        `${name}${r.suffix}`,
        { action: "lambda:InvokeFunction", function: this.function.name, principal: "events.amazonaws.com", sourceArn: rule.arn },
        parent,
      );
    }
    const alarm = (
      suffix: string,
      description: string,
      namespace: string,
      metricName: string,
      dimensions: Record<string, pulumi.Input<string>>,
      statistic: string,
    ) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}${suffix}`,
        {
          alarmDescription: `${args.functionName} ${description}`,
          namespace,
          metricName,
          dimensions,
          statistic,
          period: 3600,
          evaluationPeriods: 1,
          threshold: 0,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
        },
        parent,
      );
    alarm("", "failed", "AWS/Lambda", "Errors", { FunctionName: this.function.name }, "Sum");
    alarm(
      "-failures",
      "gave up on an invocation (failure queue)",
      "AWS/SQS",
      "ApproximateNumberOfMessagesVisible",
      { QueueName: failures.name },
      "Maximum",
    );
    if (args.firstRunInput) {
      this.firstRun = new aws.lambda.Invocation(
        `${name}-first-run`,
        { functionName: this.function.name, input: JSON.stringify(args.firstRunInput) },
        { ...parent, dependsOn: args.firstRunAfter },
      );
    }
    this.roleArn = roleArn;
    this.failureQueueArn = failures.arn;
    this.registerOutputs({ functionName: this.function.name, roleArn });
  }
}
