/**
 * Lake Formation grants (`ListPermissions`), when the account uses Lake Formation: they stand in
 * for the Glue and S3 part of access. DESCRIBE (or ALL) on a database grants the database; SELECT
 * (or ALL) on a table, a table wildcard or some columns grants the table. Work groups stay IAM's.
 */
import * as lakeformation from "@aws-sdk/client-lakeformation";
import { Catalog, Grant } from "./evaluate";

const DATABASE_PERMISSIONS = new Set(["DESCRIBE", "ALL", "ALTER", "CREATE_TABLE", "DROP"]);
const TABLE_PERMISSIONS = new Set(["SELECT", "ALL"]);

export async function lakeFormationGrants(
  client: lakeformation.LakeFormationClient,
  catalog: Catalog,
  calls: Record<string, number>,
): Promise<Grant[]> {
  const grants = new Map<string, Grant>();
  const add = (principalArn: string, grantKind: "database" | "table", resource: string, accessPath: string) => {
    const type = principalArn.includes(":user/") ? "user" : "role";
    grants.set(`${principalArn} ${grantKind} ${resource}`, {
      principalArn,
      principalType: type,
      grantKind,
      resource,
      accessPath,
      certainty: "allowed",
      conditionKeys: [],
    });
  };
  for await (const page of lakeformation.paginateListPermissions({ client }, {})) {
    calls.ListPermissions = (calls.ListPermissions ?? 0) + 1;
    for (const entry of page.PrincipalResourcePermissions ?? []) {
      const principal = entry.Principal?.DataLakePrincipalIdentifier;
      // IAM_ALLOWED_PRINCIPALS hands control back to IAM, which the IAM evaluation already covers.
      if (!principal || !/^arn:aws[a-z-]*:iam::\d{12}:(user|role)\//.test(principal)) continue;
      const permissions = entry.Permissions ?? [];
      const database =
        entry.Resource?.Database?.Name ?? entry.Resource?.Table?.DatabaseName ?? entry.Resource?.TableWithColumns?.DatabaseName;
      if (!database) continue;
      if (entry.Resource?.Database && permissions.some((p) => DATABASE_PERMISSIONS.has(p)))
        add(principal, "database", database, "lake-formation");
      if (!permissions.some((p) => TABLE_PERMISSIONS.has(p))) continue;
      if (entry.Resource?.Table?.TableWildcard) {
        for (const t of catalog.tables.filter((t) => t.database === database))
          add(principal, "table", `${database}.${t.name}`, "lake-formation");
      } else if (entry.Resource?.Table?.Name) {
        add(principal, "table", `${database}.${entry.Resource.Table.Name}`, "lake-formation");
      } else if (entry.Resource?.TableWithColumns?.Name) {
        add(principal, "table", `${database}.${entry.Resource.TableWithColumns.Name}`, "lake-formation (columns)");
      }
    }
  }
  return [...grants.values()];
}
