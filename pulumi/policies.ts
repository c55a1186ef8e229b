/**
 * IAM policy documents, as pure functions of names and ARNs: named actions only, resources scoped
 * to the audit's bucket prefixes, work group, database and tables. `*` appears only where the API
 * has no resource-level permissions (athena:ListWorkGroups, iam:GetAccountAuthorizationDetails,
 * lakeformation:ListPermissions and GetDataAccess, ce:GetCostAndUsage). One module per kind of
 * role, and one for the bucket policy's member statements, under policies/; this one gathers them
 * so callers import from one place.
 */
export * from "./policies/document";
export * from "./policies/collectors";
export * from "./policies/athena";
export * from "./policies/members";
export * from "./policies/live";
