/** Formatting for people: units, money, Markdown-safe text, names, Mermaid charts. Pure functions, used as handlebars helpers. */
import { humanBytes as bytesText } from "../../core/output/bytes";
import { Value } from "../../queries/engine";
import { codeSpan, markdownText } from "../channels/markdown";

// The Markdown channel's escapes, for the page models that import them with the other formats.
export { cell, codeSpan, markdownText } from "../channels/markdown";

/** `a, b and c`: the items in words, `conjunction` before the last. */
export function wordList(items: readonly string[], conjunction: "and" | "or"): string {
  const last = items.at(-1);
  if (last === undefined || items.length === 1) return last ?? "";
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${last}`;
}

/** Binary units with one decimal (core/output/bytes.ts), of a value as the engines return it. */
export function humanBytes(value: Value): string {
  return bytesText(Number(value ?? 0));
}

/** Dollars with cents; amounts under a cent keep four decimals so they do not read as free. */
export function usd(value: Value): string {
  const amount = Number(value ?? 0);
  if (amount === 0) return "$0.00";
  return amount < 0.01
    ? `$${amount.toFixed(4)}`
    : `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function count(value: Value): string {
  return Number(value ?? 0).toLocaleString("en-US");
}

export function percent(part: Value, whole: Value): string {
  const w = Number(whole ?? 0);
  return w === 0 ? "0%" : `${((Number(part ?? 0) / w) * 100).toFixed(1)}%`;
}

/** `+29.1%`, `-3.0%`, `new` when there was nothing before, `±0.0%`. */
export function changePercent(now: number, before: number): string {
  if (before === 0) return now === 0 ? "±0.0%" : "new";
  const change = ((now - before) / before) * 100;
  const text = Math.abs(change).toFixed(1);
  return text === "0.0" ? "±0.0%" : `${change > 0 ? "+" : "-"}${text}%`;
}

/** Milliseconds as `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 07 min`. */
export function duration(value: Value): string {
  const ms = Number(value ?? 0);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/;

/** `2026-10-23T02:32:35.120Z` -> `2026-10-23 02:32:35`; other text unchanged. */
export function instant(value: string): string {
  return value.replace(ISO_INSTANT, "$1 $2");
}

/** How a column is shown, from its name, as Markdown for a table cell. */
export function formatByColumn(name: string, value: Value | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string" && ISO_INSTANT.test(value)) return instant(value);
  if (typeof value === "number") {
    // A code (Athena's ErrorType 1301), not a quantity: no thousands separator.
    if (name.endsWith("_type")) return String(value);
    if (name.endsWith("_ms")) return duration(value);
    if (name.includes("bytes")) return humanBytes(value);
    if (name.includes("cost_usd")) return usd(value);
    return Number.isInteger(value) ? count(value) : String(value);
  }
  if (name.includes("query_text")) return codeSpan(value);
  // A finding's reason is the evidence behind it: shown whole.
  if (name === "reason") return markdownText(value, 400);
  return markdownText(value);
}

/** `arn:aws:sts::1:assumed-role/Role/session` -> `Role/session`; other ARNs keep their resource part. */
export function shortArn(value: Value): string {
  const text = String(value ?? "");
  return /^arn:aws:(?:iam|sts)::\d{12}:(?:assumed-role|role|user)\/(.+)$/s.exec(text)?.[1] ?? text;
}

/**
 * A user's or role's name without its path: `arn:aws:iam::1:role/service-role/etl` -> `etl`, an
 * Identity Center role by its permission set (`AWSReservedSSO_DataAnalyst_5f3e…` -> `DataAnalyst`);
 * anything else, `(unattributed)` included, as it is.
 */
export function principalName(arn: string): string {
  const resource = /^arn:aws:(?:iam|sts)::\d{12}:(?:user|role|assumed-role)\/(.+)$/s.exec(arn)?.[1];
  const name = resource === undefined ? arn : (resource.split("/").pop() ?? resource);
  return name.replace(/^AWSReservedSSO_(.+)_[0-9a-f]{16}$/, "$1");
}

/** Where a principal's name comes from: an IAM or STS ARN, split into what a table shows and what it leaves out. */
interface PrincipalParts {
  /** The role or user name (no path); absent for anything that is not a role, user or role session. */
  name?: string;
  /** `path/name` for a role or user ARN with a path. */
  pathName?: string;
  /** The session of an assumed role. */
  session?: string;
  /** shortArn's form: what the name was before it was shortened. */
  full: string;
  /** The account the ARN names. */
  account?: string;
}

function principalParts(value: string): PrincipalParts {
  const account = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
  const parts = principalNameParts(value);
  return account === undefined ? parts : { ...parts, account };
}

function principalNameParts(value: string): PrincipalParts {
  const [, kind, resource] = /^arn:aws[\w-]*:(?:iam|sts)::\d{12}:(assumed-role|role|user)\/(.+)$/s.exec(value) ?? [];
  // Other IAM and STS ARNs (root, federated-user/bob) by their resource part.
  const full = shortArn(value).replace(/^arn:aws[\w-]*:(?:iam|sts)::\d{12}:/, "");
  if (kind === undefined || resource === undefined) return { full };
  if (kind === "assumed-role") {
    const slash = resource.indexOf("/");
    return slash < 0 ? { name: resource, full } : { name: resource.slice(0, slash), session: resource.slice(slash + 1), full };
  }
  const name = resource.split("/").at(-1) ?? resource;
  return { name, pathName: resource, full };
}

/** `AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f` (an IAM Identity Center permission set's role) -> `DataAnalyst`. */
function shortRoleName(name: string): string {
  return /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/.exec(name)?.[1] ?? name;
}

/**
 * The principals of one page, shown short: a role or user by its name without its path, an IAM
 * Identity Center role by its permission set (`DataAnalyst`, not `AWSReservedSSO_DataAnalyst_<16 hex>`),
 * a session as `role/session`. What was left out is listed once, in `legend()`, under the table. Two
 * names that would read the same on the page keep their full form, and a name found in two accounts
 * (an Identity Center permission set provisioned to both) says whose it is. Built from every name the
 * page shows, so the choice does not depend on row order.
 */
export class PrincipalNames {
  /** Role or user name -> what the page shows for it. */
  private readonly shown = new Map<string, string>();
  /** Names found under two paths (two accounts): each ARN shows its own path. */
  private readonly ambiguous = new Set<string>();
  private readonly legendOf = new Map<string, string>();
  /** Names found in more than one account: each shows its account. */
  private readonly inManyAccounts = new Set<string>();

  constructor(values: Iterable<Value>) {
    const parts = [...new Set([...values].filter((v): v is string => typeof v === "string"))].map(principalParts);
    const paths = new Map<string, Set<string>>();
    const accounts = new Map<string, Set<string>>();
    for (const p of parts) {
      if (p.name !== undefined) paths.set(p.name, (paths.get(p.name) ?? new Set()).add(p.pathName ?? p.name));
      if (p.name !== undefined && p.account !== undefined) accounts.set(p.name, (accounts.get(p.name) ?? new Set()).add(p.account));
    }
    for (const [name, found] of accounts) if (found.size > 1) this.inManyAccounts.add(name);
    const namesByShort = new Map<string, string[]>();
    for (const name of paths.keys()) namesByShort.set(shortRoleName(name), [...(namesByShort.get(shortRoleName(name)) ?? []), name]);
    for (const [name, forms] of paths) {
      const withPath = [...forms].filter((f) => f !== name);
      if (withPath.length > 1) {
        this.ambiguous.add(name);
        continue;
      }
      const short = (namesByShort.get(shortRoleName(name)) ?? []).length > 1 ? name : shortRoleName(name);
      this.shown.set(name, short);
      const full = withPath[0] ?? name;
      if (short !== full) this.legendOf.set(short, full);
    }
  }

  /** The name as plain text (for charts or notes that escape it themselves). */
  plain(value: Value | undefined): string {
    if (typeof value !== "string") return value === null || value === undefined ? "" : String(value);
    const p = principalParts(value);
    if (p.name === undefined) return p.full;
    const base = this.ambiguous.has(p.name) ? (p.pathName ?? p.name) : (this.shown.get(p.name) ?? p.name);
    const whose = this.inManyAccounts.has(p.name) && p.account !== undefined ? ` (${p.account})` : "";
    return `${p.session === undefined ? base : `${base}/${p.session}`}${whose}`;
  }

  /** The name as Markdown for a table cell: escaped, with a line-break opportunity after each `/`. */
  cell(value: Value): string {
    return markdownText(this.plain(value), 200).replace(/\//g, "/<wbr>");
  }

  /** One entry per name shortened: `DataAnalyst is \`aws-reserved/sso.amazonaws.com/AWSReservedSSO_DataAnalyst_5f3e2a1b0c9d8e7f\``. */
  legend(): string[] {
    return [...this.legendOf]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([short, full]) => `${markdownText(short, 200)} is ${codeSpan(full, 200)}`);
  }
}

/** One note naming what the page's principal names leave out, or none. */
export function namesNote(names: PrincipalNames): string[] {
  const legend = names.legend();
  return legend.length === 0 ? [] : [`Names shown short: ${legend.join("; ")}.`];
}

/** Footnote marks (¹, ², ...) for text that would repeat on many rows, numbered in order of first use. */
export class Footnotes {
  private readonly notes: string[] = [];

  /** The mark for a note (Markdown), the same mark for the same note. */
  mark(note: string): string {
    let index = this.notes.indexOf(note);
    if (index < 0) index = this.notes.push(note) - 1;
    return superscript(index + 1);
  }

  list(): string[] {
    return this.notes.map((note, i) => `${superscript(i + 1)} ${note}`);
  }
}

const SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

function superscript(n: number): string {
  return String(n).replace(/\d/g, (d) => SUPERSCRIPT_DIGITS.charAt(Number(d)));
}
