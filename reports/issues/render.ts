/** The text of a principal's unused-permissions issue, from the handlebars template. */
import { ACCOUNT_PATTERN, GLUE_NAME_PATTERN, WORK_GROUP_PATTERN } from "../../core/names";
import { issueTitle } from "../channels/issue";
import { codeSpan, jsonBlock } from "../channels/markdown";
import { compileMarkdown, markdownEnvironment, templateFile, trusted } from "../channels/templates";
import { count } from "../pages/format";
import { PermissionGap } from "./findings";
import { templatesDirectory } from "../pages/render";
import { DEFAULT_STACK, Rendered } from "./plan";

let template: ReturnType<typeof compileMarkdown> | undefined;

/**
 * The actions each kind of grant stands for, every one a suggested deny removes. A work group runs
 * queries; a database or table is read through the Glue Data Catalog by every engine (Athena, Glue
 * jobs, EMR, Redshift Spectrum), so its catalog reads all go: the table, its partitions, and for a
 * database the listing of its tables.
 */
export const REMOVED_ACTIONS: Record<"workgroup" | "database" | "table", readonly string[]> = {
  workgroup: ["athena:StartQueryExecution"],
  database: ["glue:GetDatabase", "glue:GetTables", "glue:GetTable", "glue:GetPartitions", "glue:GetPartition", "glue:BatchGetPartition"],
  table: ["glue:GetTable", "glue:GetPartitions", "glue:GetPartition", "glue:BatchGetPartition"],
};

/**
 * The deny statements that remove what the unused grants allow, as a starting point for review: in
 * the grant's own account (another account's work group or database of the same name is not this
 * grant), one statement per kind, naming every action it removes. A database's tables are covered by
 * its `table/<database>/*`.
 */
function suggestion(gaps: readonly PermissionGap[]): string {
  const statements = (["workgroup", "database", "table"] as const).flatMap((kind) => {
    const resources = gaps
      .filter((g) => g.grantKind === kind && namedAsAwsAccepts(g))
      .flatMap((g) => {
        // An account id that is not one (the lake's value, checked again here) names no account: any.
        const account = typeof g.accountId === "string" && ACCOUNT_PATTERN.test(g.accountId) ? g.accountId : "*";
        if (kind === "workgroup") return [`arn:aws:athena:*:${account}:workgroup/${g.resource}`];
        if (kind === "database")
          return [`arn:aws:glue:*:${account}:database/${g.resource}`, `arn:aws:glue:*:${account}:table/${g.resource}/*`];
        return [`arn:aws:glue:*:${account}:table/${g.resource.replace(".", "/")}`];
      });
    if (resources.length === 0) return [];
    const sid = { workgroup: "RemoveUnusedWorkGroups", database: "RemoveUnusedDatabases", table: "RemoveUnusedTables" }[kind];
    return [{ Sid: sid, Effect: "Deny", Action: [...REMOVED_ACTIONS[kind]], Resource: resources }];
  });
  return jsonBlock({ Version: "2012-10-17", Statement: statements });
}

/**
 * Whether the grant's resource is a name AWS accepts for its kind: a value from the lake that is not
 * one (too long, a line break) names no resource, so no policy is suggested for it.
 */
function namedAsAwsAccepts(g: PermissionGap): boolean {
  if (g.grantKind === "workgroup") return WORK_GROUP_PATTERN.test(g.resource);
  if (g.grantKind === "database") return GLUE_NAME_PATTERN.test(g.resource);
  const dot = g.resource.indexOf(".");
  return dot > 0 && GLUE_NAME_PATTERN.test(g.resource.slice(0, dot)) && GLUE_NAME_PATTERN.test(g.resource.slice(dot + 1));
}

/** The principal's name in an issue title: the last part of its ARN. */
export function issueName(principalArn: string): string {
  return principalArn.split(/[:/]/).pop() ?? principalArn;
}

/**
 * `sameNameElsewhere`: another principal of these findings has the same name (one permission set or
 * role name in two accounts), so the title says the account too.
 */
export function renderIssue(
  principalArn: string,
  gaps: PermissionGap[],
  stack: string = DEFAULT_STACK,
  sameNameElsewhere = false,
): Rendered {
  template ??= compileMarkdown(
    markdownEnvironment({ count: (v: number) => trusted(count(v)), code: (v: string) => trusted(codeSpan(v, 300)) }),
    templateFile(templatesDirectory(), "issue"),
  );
  const first = gaps[0];
  const leftOut = gaps.filter((g) => !namedAsAwsAccepts(g)).length;
  const body = template({ ...first, principalArn, gaps, suggestion: suggestion(gaps), leftOut }).trim();
  const name = issueName(principalArn);
  // The same principal can hold grants in several stacks; the title tells their issues apart. The
  // default stack's titles stay as they were before stacks, so upgrading renames nothing.
  const where = stack === DEFAULT_STACK ? "" : ` (${stack})`;
  const account = sameNameElsewhere ? `account ${principalArn.split(":")[4]}, ` : "";
  return {
    title: issueTitle(`Unused Athena permissions${where}: ${name} (${account}${gaps.length} grant${gaps.length === 1 ? "" : "s"})`),
    body,
  };
}
