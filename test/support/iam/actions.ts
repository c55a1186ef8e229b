/**
 * Each API operation the audit calls, as the IAM action and resource AWS authorizes it against
 * (the Service Authorization Reference's resource types), for the recording proxies.
 */
import { athenaQueryRequests, athenaResultRequests, CatalogModel } from "./on-behalf";
import { OperationMapper, Request } from "./recorder";

export interface AccountScope {
  partition: string;
  region: string;
  account: string;
}

/** Athena and Glue (both JSON 1.1, served by the same local server). */
export function athenaAndGlueMapper(scope: AccountScope, model?: CatalogModel): OperationMapper {
  const workGroupOf = new Map<string, string>();
  const arn = (service: string, suffix: string) => `arn:${scope.partition}:${service}:${scope.region}:${scope.account}:${suffix}`;
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const workGroup = (name: unknown) => arn("athena", `workgroup/${text(name) ?? "primary"}`);
  return (operation, input, output) => {
    const [, prefix, name] = /^(\w+)\.(\w+)$/.exec(operation) ?? [];
    if (prefix === undefined || name === undefined) throw new Error(`${operation} is not a JSON 1.1 target (Service.Operation)`);
    const call = `${prefix === "AWSGlue" ? "Glue" : "Athena"} ${name}`;
    const one = (action: string, resource: string): Request => ({ action, resource, call });
    const id = text(input.QueryExecutionId) ?? text(output.QueryExecutionId) ?? "";
    switch (operation) {
      case "AmazonAthena.ListWorkGroups":
        // No resource-level permissions: AWS authorizes it against "*".
        return [one("athena:ListWorkGroups", "*")];
      case "AmazonAthena.ListQueryExecutions":
        return [one("athena:ListQueryExecutions", workGroup(input.WorkGroup))];
      case "AmazonAthena.BatchGetQueryExecution": {
        const groups = new Set(((output.QueryExecutions ?? []) as { WorkGroup?: string }[]).map((e) => e.WorkGroup ?? "primary"));
        return [...groups].map((g) => one("athena:BatchGetQueryExecution", workGroup(g)));
      }
      case "AmazonAthena.StartQueryExecution": {
        workGroupOf.set(id, text(input.WorkGroup) ?? "primary");
        const behalf = model ? athenaQueryRequests(model, String(input.QueryString), id) : [];
        return [one("athena:StartQueryExecution", workGroup(input.WorkGroup)), ...behalf];
      }
      case "AmazonAthena.GetQueryExecution":
      case "AmazonAthena.StopQueryExecution": {
        // A query someone else started (the live alerts read users' queries): its work group is in the answer.
        const answered = (output.QueryExecution as { WorkGroup?: unknown } | undefined)?.WorkGroup;
        return [one(`athena:${name}`, workGroup(workGroupOf.get(id) ?? answered))];
      }
      case "AmazonAthena.GetQueryResults":
        return [one("athena:GetQueryResults", workGroup(workGroupOf.get(id))), ...(model ? athenaResultRequests(model, id) : [])];
      case "AWSGlue.GetDatabases": {
        const names = ((output.DatabaseList ?? []) as { Name: string }[]).map((d) => d.Name);
        return [arn("glue", "catalog"), ...names.map((n) => arn("glue", `database/${n}`))].map((r) => one("glue:GetDatabases", r));
      }
      case "AWSGlue.GetTable":
      case "AWSGlue.UpdateTable": {
        // A table call is authorized on the catalog, the database and the table
        // (Glue developer guide, "Specifying AWS Glue resource ARNs").
        const db = String(input.DatabaseName);
        const table = text(input.Name) ?? text((input.TableInput as { Name?: unknown } | undefined)?.Name) ?? "";
        return [arn("glue", "catalog"), arn("glue", `database/${db}`), arn("glue", `table/${db}/${table}`)].map((r) =>
          one(`glue:${name}`, r),
        );
      }
      case "AWSGlue.GetTables": {
        const db = String(input.DatabaseName);
        const names = ((output.TableList ?? []) as { Name: string }[]).map((t) => t.Name);
        return [arn("glue", "catalog"), arn("glue", `database/${db}`), ...names.map((n) => arn("glue", `table/${db}/${n}`))].map((r) =>
          one("glue:GetTables", r),
        );
      }
      default:
        throw new Error(`the IAM contract does not know ${operation}: add it to test/support/iam/actions.ts`);
    }
  };
}

export const iamMapper: OperationMapper = (operation) => {
  if (operation !== "GetAccountAuthorizationDetails") throw new Error(`the IAM contract does not know IAM ${operation}`);
  return [{ action: "iam:GetAccountAuthorizationDetails", resource: "*", call: "IAM GetAccountAuthorizationDetails" }];
};

export const lakeFormationMapper: OperationMapper = (operation) => {
  if (operation !== "ListPermissions") throw new Error(`the IAM contract does not know Lake Formation ${operation}`);
  return [{ action: "lakeformation:ListPermissions", resource: "*", call: "Lake Formation ListPermissions" }];
};

/**
 * Cost Explorer (JSON 1.1). GetCostAndUsage is authorized on "*": its one resource type, a billing
 * view, applies only to a request naming a BillingViewArn, which the billing collector never sends.
 */
export const costExplorerMapper: OperationMapper = (operation, input) => {
  if (operation !== "AWSInsightsIndexService.GetCostAndUsage") throw new Error(`the IAM contract does not know Cost Explorer ${operation}`);
  if (input.BillingViewArn !== undefined) throw new Error("the IAM contract does not model Cost Explorer billing views");
  return [{ action: "ce:GetCostAndUsage", resource: "*", call: "Cost Explorer GetCostAndUsage" }];
};

/**
 * CloudTrail (JSON 1.1): DescribeTrails has no resource-level permissions ("*"); GetTrailStatus and
 * GetEventSelectors are authorized on the trail, named by its ARN (the collector always sends one).
 */
export const cloudTrailMapper: OperationMapper = (operation, input) => {
  const name = operation.replace(/^CloudTrail_20131101\./, "");
  if (name === "DescribeTrails") return [{ action: "cloudtrail:DescribeTrails", resource: "*", call: "CloudTrail DescribeTrails" }];
  const trail = name === "GetTrailStatus" ? input.Name : name === "GetEventSelectors" ? input.TrailName : undefined;
  if (typeof trail !== "string") throw new Error(`the IAM contract does not know CloudTrail ${operation}`);
  if (!/^arn:[^:]+:cloudtrail:[^:]+:\d{12}:trail\//.test(trail)) throw new Error(`CloudTrail ${name} named ${trail}, not a trail ARN`);
  return [{ action: `cloudtrail:${name}`, resource: trail, call: `CloudTrail ${name} ${trail}` }];
};

/**
 * SNS (query protocol): Publish is authorized on the topic. To a topic encrypted with a customer
 * managed key, SNS also uses the key with the publisher's permissions (`kms:GenerateDataKey`,
 * `kms:Decrypt`: SNS developer guide, "Configuring AWS KMS permissions" for publishers).
 */
export function snsMapper(topicKeys: Record<string, string | undefined>): OperationMapper {
  return (operation, input) => {
    if (operation !== "Publish") throw new Error(`the IAM contract does not know SNS ${operation}`);
    const topic = String(input.TopicArn);
    const call = `SNS Publish ${topic}`;
    const key = topicKeys[topic];
    const onBehalf = `SNS (SSE) for ${call}`;
    return [
      { action: "sns:Publish", resource: topic, call },
      ...(key ? ["kms:GenerateDataKey", "kms:Decrypt"].map((action) => ({ action, resource: key, call, onBehalf })) : []),
    ];
  };
}

/** Security Hub (rest-json, POST /findings/import): BatchImportFindings is authorized on each finding's product. */
export const securityHubMapper: OperationMapper = (operation, input) => {
  if (operation !== "findings/import") throw new Error(`the IAM contract does not know Security Hub ${operation}`);
  const products = new Set(((input.Findings ?? []) as { ProductArn?: unknown }[]).map((f) => String(f.ProductArn)));
  return [...products].map((product) => ({
    action: "securityhub:BatchImportFindings",
    resource: product,
    call: `Security Hub BatchImportFindings ${product}`,
  }));
};
