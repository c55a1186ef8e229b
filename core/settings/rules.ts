/**
 * What AWS (and GitHub) accept for each kind of value a stack setting holds, as pure functions: each
 * returns why a value is refused, or undefined. The rules are the services' documented ones, so a
 * value refused here would have failed at deploy time, after part of the stack was created.
 */
import { defined } from "../checks";
import { KEY_PREFIX_PATTERN } from "../names";

/** Why a value is refused, or undefined when it is accepted. */
export type Rule = (value: string) => string | undefined;

/** S3's rules for general purpose bucket names (S3 user guide, "General purpose bucket naming rules"). */
export const bucketName: Rule = (name) => {
  if (name.length < 3 || name.length > 63) return `${name.length} characters, not 3 to 63`;
  if (!/^[a-z0-9.-]+$/.test(name)) return "only lowercase letters, digits, '.' and '-'";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "it must begin and end with a letter or digit";
  if (name.includes("..")) return "no two adjacent periods";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "not formatted as an IP address";
  const prefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => name.startsWith(p));
  if (prefix) return `the prefix ${prefix} is reserved`;
  const suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find((s) => name.endsWith(s));
  if (suffix) return `the suffix ${suffix} is reserved`;
  return undefined;
};

/** A key prefix as the audit's layout joins it: `/`-separated segments of S3's safe characters. */
export const keyPrefix: Rule = (prefix) =>
  KEY_PREFIX_PATTERN.test(prefix) ? undefined : "no leading or trailing slash, no empty, `.` or `..` segment, only S3's safe characters";

/** CloudTrail's S3KeyPrefix (CreateTrail): at most 200 characters, besides the key prefix rules. */
export const trailPrefix: Rule = (prefix) =>
  prefix.length > 200 ? `${prefix.length} characters, more than CloudTrail's 200` : keyPrefix(prefix);

/** `rate(value unit)`: a positive whole value, the unit singular for 1 and plural otherwise (EventBridge). */
function rateProblem(body: string): string | undefined {
  const [, count, unit] = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body) ?? [];
  if (count === undefined || unit === undefined) return "rate(value unit) with unit minute(s), hour(s) or day(s)";
  const value = Number(count);
  if (value < 1) return "a rate of at least 1";
  const plural = unit.endsWith("s");
  if (value === 1 && plural) return `rate(1 ${unit.slice(0, -1)}): the unit is singular for 1`;
  if (value > 1 && !plural) return `rate(${value} ${unit}s): the unit is plural above 1`;
  return undefined;
}

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** `/` increments are allowed (every field but day-of-week). */
  step: boolean;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const CRON_FIELDS: CronField[] = [
  { name: "minutes", min: 0, max: 59, step: true },
  { name: "hours", min: 0, max: 23, step: true },
  { name: "day-of-month", min: 1, max: 31, step: true },
  { name: "month", min: 1, max: 12, names: MONTHS, step: true },
  { name: "day-of-week", min: 1, max: 7, names: WEEKDAYS, step: false },
  { name: "year", min: 1970, max: 2199, step: true },
];

function cronValue(text: string, field: CronField): string | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return undefined;
  if (!/^\d+$/.test(text)) return `${field.name} ${JSON.stringify(text)} is not a value`;
  const n = Number(text);
  return n < field.min || n > field.max ? `${field.name} ${text} is outside ${field.min}-${field.max}` : undefined;
}

function cronItem(item: string, field: CronField): string | undefined {
  // split always gives a first part: the default is never used.
  const [base = "", step, extra] = item.split("/");
  if (extra !== undefined) return `${field.name} ${JSON.stringify(item)} has two '/'`;
  if (step !== undefined) {
    if (!field.step) return `${field.name} takes no '/' increments`;
    if (!/^\d+$/.test(step) || Number(step) < 1) return `${field.name} increment ${JSON.stringify(step)} is not a positive number`;
  }
  if (base === "*") return undefined;
  const bounds = base.split("-");
  if (bounds.length > 2) return `${field.name} ${JSON.stringify(item)} is not a value or a range`;
  for (const b of bounds) {
    const problem = cronValue(b, field);
    if (problem) return problem;
  }
  return undefined;
}

/** One cron field: `*`, values, ranges and increments, with day-of-month's `L`/`W` and day-of-week's `L`/`#`. */
function cronFieldProblem(text: string, field: CronField): string | undefined {
  if (text === "?") return field.name === "day-of-month" || field.name === "day-of-week" ? undefined : `? is not allowed in ${field.name}`;
  if (field.name === "day-of-month" && /^(L|LW|\d+W)$/.test(text))
    return text.endsWith("W") && text !== "LW" ? cronValue(text.slice(0, -1), field) : undefined;
  if (field.name === "day-of-week") {
    if (text === "L") return undefined;
    const lastDay = /^(\w+)L$/.exec(text)?.[1];
    if (lastDay !== undefined) return cronValue(lastDay, field);
    if (text.includes("#")) {
      // Only one expression with '#' (EventBridge refuses "3#1,6#3").
      const nthDay = /^(\w+)#[1-5]$/.exec(text)?.[1];
      return nthDay !== undefined
        ? cronValue(nthDay, field)
        : `day-of-week ${JSON.stringify(text)}: '#' takes one day and an instance from 1 to 5`;
    }
  }
  for (const item of text.split(",")) {
    const problem = cronItem(item, field);
    if (problem) return problem;
  }
  return undefined;
}

/** `cron(minutes hours day-of-month month day-of-week year)` as EventBridge accepts it. */
function cronProblem(body: string): string | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) return `six fields (minutes hours day-of-month month day-of-week year), not ${fields.length}`;
  for (const [i, field] of CRON_FIELDS.entries()) {
    const problem = cronFieldProblem(defined(fields[i], `cron field ${field.name} (six counted above)`), field);
    if (problem) return problem;
  }
  // A value (or *) in one of day-of-month and day-of-week needs ? in the other.
  if ((fields[2] === "?") === (fields[4] === "?")) return "exactly one of day-of-month and day-of-week must be ?";
  return undefined;
}

/** An EventBridge schedule expression (`rate(...)` or `cron(...)`). */
export const scheduleExpression: Rule = (expression) => {
  const [, kind, body] = /^(rate|cron)\((.*)\)$/.exec(expression) ?? [];
  if (body === undefined) return "rate(...) or cron(...)";
  return kind === "rate" ? rateProblem(body) : cronProblem(body);
};

/** The partition of a region's ARNs. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  const iso = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  if (iso) return iso[1] ? `aws-iso-${iso[1]}` : "aws-iso";
  return "aws";
}

export interface Arn {
  partition: string;
  region: string;
  account: string;
}

const KMS_KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;
const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** A KMS key ARN (a key, not an alias: IAM policies and S3's bucket key name the key itself). */
export const kmsKeyArn: Rule = (arn) => {
  if (/^arn:aws[a-z-]*:kms:[^:]*:\d{12}:alias\//.test(arn)) return "a key ARN, not an alias";
  const keyId = KMS_KEY_ARN.exec(arn)?.[4];
  if (keyId === undefined) return "arn:<partition>:kms:<region>:<account>:key/<key id>";
  return KEY_ID.test(keyId) ? undefined : `key id ${JSON.stringify(keyId)} is neither a key id nor mrk-<32 hex digits>`;
};

export function parseArn(arn: string): Arn | undefined {
  // The account is optional (S3's ARNs have none); the partition and region groups always match.
  const [, partition, region, account = ""] = /^arn:(aws[a-z-]*):[a-z0-9-]+:([a-z0-9-]*):(\d{12})?:/.exec(arn) ?? [];
  return partition !== undefined && region !== undefined ? { partition, region, account } : undefined;
}

/** An IAM role ARN: optional path (`/` or `/.../`) and a name of 1-64 of `\w+=,.@-` (IAM identifiers). */
export const roleArn: Rule = (arn) => {
  const [, path, name] = /^arn:aws[a-z-]*:iam::\d{12}:role(\/(?:[\x21-\x7e]*\/)?)([^/]*)$/.exec(arn) ?? [];
  if (path === undefined || name === undefined) return "arn:<partition>:iam::<account>:role/<path/><name>";
  if (path.length > 512) return "a path of at most 512 characters";
  return /^[\w+=,.@-]{1,64}$/.test(name) ? undefined : "a role name of 1 to 64 letters, digits and _+=,.@-";
};

/** The GitHub Actions OIDC provider: the reporting role's trust names token.actions.githubusercontent.com's claims. */
export const githubOidcProviderArn: Rule = (arn) =>
  /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/.test(arn)
    ? undefined
    : "arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com";

/** `owner/repository`: GitHub's owner names (1-39, single inner hyphens) and repository names (1-100 of `A-Za-z0-9._-`). */
export const githubRepository: Rule = (value) => {
  const [owner, repo, extra] = value.split("/");
  if (owner === undefined || repo === undefined || extra !== undefined) return "owner/repository";
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(owner))
    return `owner ${JSON.stringify(owner)} is not a GitHub account name`;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(repo) || repo === "." || repo === "..")
    return `repository ${JSON.stringify(repo)} is not a repository name`;
  if (/\.(git|wiki)$/i.test(repo)) return `repository ${JSON.stringify(repo)}: name it without .git or .wiki`;
  return undefined;
};

/** A tag key: 1-128 Unicode letters, digits, spaces and `_ . : / = + - @`; `aws:` in any case is AWS's own. */
export const tagKey: Rule = (key) => {
  if (/^aws:/i.test(key)) return "the aws: prefix is reserved for AWS";
  return /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(key) ? undefined : "1 to 128 letters, digits, spaces and _ . : / = + - @";
};

/** A Pulumi stack reference, `org/project/stack`. */
export const stackReference: Rule = (value) => (/^[\w.-]+\/[\w.-]+\/[\w.-]+$/.test(value) ? undefined : "org/project/stack");

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  // d[i][j]: the distance between the first i characters of a and the first j of b.
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const cell = (i: number, j: number) => defined(d[i]?.[j], `edit distance cell (${i}, ${j})`);
  for (const [i, row] of d.entries()) {
    if (i === 0) continue;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(cell(i - 1, j) + 1, cell(i, j - 1) + 1, cell(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(cell(i, j), cell(i - 2, j - 2) + 1);
    }
  }
  return cell(a.length, b.length);
}

/** The candidate `word` most likely misspells (case aside, at most 2 edits), if any. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
