/** The text of a principal's unused-permissions issue, from the handlebars template. */
import * as fs from "node:fs";
import * as path from "node:path";
import Handlebars from "handlebars";
import { count } from "../pages/format";
import { PermissionGap } from "./findings";
import { templatesDirectory } from "../pages/render";
import { DEFAULT_STACK, Rendered } from "./plan";

let template: Handlebars.TemplateDelegate | undefined;

/**
 * A policy statement denying what the unused grants allow, as a starting point for review: in the
 * grant's own account (another account's work group or database of the same name is not this grant).
 */
function suggestion(gaps: readonly PermissionGap[]): string {
  const resources = gaps.map((g) => {
    const account = g.accountId ?? "*";
    return g.grantKind === "workgroup"
      ? `arn:aws:athena:*:${account}:workgroup/${g.resource}`
      : g.grantKind === "database"
        ? `arn:aws:glue:*:${account}:database/${g.resource}`
        : `arn:aws:glue:*:${account}:table/${g.resource.replace(".", "/")}`;
  });
  const actions = [...new Set(gaps.map((g) => (g.grantKind === "workgroup" ? "athena:StartQueryExecution" : "glue:GetTable")))].sort();
  return JSON.stringify({ Sid: "RemoveUnusedAthenaAccess", Effect: "Deny", Action: actions, Resource: resources }, null, 2);
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
  if (!template) {
    const hbs = Handlebars.create();
    hbs.registerHelper("count", (v: number) => count(v));
    template = hbs.compile(fs.readFileSync(path.join(templatesDirectory(), "issue.hbs"), "utf8"), { noEscape: true, strict: true });
  }
  const first = gaps[0];
  const body = template({ ...first, principalArn, gaps, suggestion: suggestion(gaps) }).trim();
  const name = issueName(principalArn);
  // The same principal can hold grants in several stacks; the title tells their issues apart. The
  // default stack's titles stay as they were before stacks, so upgrading renames nothing.
  const where = stack === DEFAULT_STACK ? "" : ` (${stack})`;
  const account = sameNameElsewhere ? `account ${principalArn.split(":")[4]}, ` : "";
  return { title: `Unused Athena permissions${where}: ${name} (${account}${gaps.length} grant${gaps.length === 1 ? "" : "s"})`, body };
}
