/**
 * The one loader of the Markdown templates in reports/templates (pages, issues), with handlebars
 * set up once for all of them: `{{value}}` escapes for Markdown by default (the Markdown channel's
 * `markdownText`, not handlebars' HTML escaping, which leaves Markdown's own syntax alone), and only
 * `{{{value}}}` or a helper's `SafeString` is written as it is: text the product built itself (a
 * page model's cells, already escaped; a chart; a JSON example). Handlebars has no per-instance
 * escape function, so each escaped `{{…}}` of the template is rewritten, once at compile time, into
 * a call of the escaping helper.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Handlebars from "handlebars";
import { AuditError } from "../../core/errors";
import { count, humanBytes, percent, usd } from "../pages/format";
import { codeSpan, markdownText } from "./markdown";

const ESCAPE = "markdown";
/** Values placed by templates are whole sentences or names; the page models cap cells themselves. */
const TEMPLATE_VALUE_MAX = 2000;

type Hbs = typeof Handlebars;
type Helper = Handlebars.HelperDelegate;

/** Output of a helper that is Markdown the product built (a code span, a number): written as it is. */
export function trusted(markdown: string): Handlebars.SafeString {
  return new Handlebars.SafeString(markdown);
}

function escapeForMarkdown(value: unknown): string {
  if (value instanceof Handlebars.SafeString) return value.toString();
  if (value === null || value === undefined) return "";
  const text =
    typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
  return markdownText(text, TEMPLATE_VALUE_MAX);
}

/** A mustache as the parser gives it: without a hash when it has none, whatever the AST types say. */
type ParsedMustache = Omit<hbs.AST.MustacheStatement, "hash"> & { hash?: hbs.AST.Hash };

/** `{{x}}` → `{{markdown x}}`, `{{helper a b}}` → `{{markdown (helper a b)}}`, in every block and branch. */
function escapeByDefault(node: hbs.AST.Node): void {
  const visit = (n: hbs.AST.Node | null | undefined): void => {
    if (!n) return;
    if (n.type === "Program") for (const child of (n as hbs.AST.Program).body) visit(child);
    if (n.type === "BlockStatement") {
      const block = n as hbs.AST.BlockStatement;
      visit(block.program);
      visit(block.inverse);
    }
    if (n.type === "MustacheStatement") {
      const m: ParsedMustache = n as hbs.AST.MustacheStatement;
      if (!m.escaped) return;
      const inner: hbs.AST.Expression =
        m.params.length > 0 || m.hash
          ? ({ type: "SubExpression", path: m.path, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression)
          : m.path;
      const helper: hbs.AST.PathExpression = {
        type: "PathExpression",
        data: false,
        depth: 0,
        parts: [ESCAPE],
        original: ESCAPE,
        loc: m.loc,
      };
      Object.assign(m, { path: helper, params: [inner], hash: undefined, escaped: false });
    }
  };
  visit(node);
}

/** The templates' helpers: numbers the product formats, and names as code, written as they are. */
const HELPERS: Record<string, Helper> = {
  bytes: (v: number) => trusted(humanBytes(v)),
  usd: (v: number) => trusted(usd(v)),
  count: (v: number) => trusted(count(v)),
  percent: (part: number, whole: number) => trusted(percent(part, whole)),
  code: (v: string) => trusted(codeSpan(v, 300)),
};

/** The Markdown templates of reports/templates, by file name without `.hbs`. */
export type TemplateName = "index" | "report" | "permission-gap-issue" | "anomaly-issue";

/**
 * `reports/templates` from the source (`reports/channels`), from compiled output
 * (`dist/reports/channels`), or from the CLI bundle (`dist/cli`).
 */
export function templatesDirectory(): string {
  const candidates = [
    path.join(__dirname, "..", "templates"),
    path.join(__dirname, "..", "..", "..", "reports", "templates"),
    path.join(__dirname, "..", "..", "reports", "templates"),
  ];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, "index.hbs")));
  if (!found) throw new AuditError(`report templates not found (looked in ${candidates.join(", ")})`);
  return found;
}

let environment: Hbs | undefined;
const compiled = new Map<TemplateName, Handlebars.TemplateDelegate>();

/** A template, compiled once (strict: a missing value is an error, not an empty string). */
export function markdownTemplate(name: TemplateName): Handlebars.TemplateDelegate {
  const cached = compiled.get(name);
  if (cached) return cached;
  if (!environment) {
    environment = Handlebars.create();
    environment.registerHelper(ESCAPE, escapeForMarkdown);
    for (const [helper, fn] of Object.entries(HELPERS)) environment.registerHelper(helper, fn);
  }
  const ast = environment.parse(fs.readFileSync(path.join(templatesDirectory(), `${name}.hbs`), "utf8"));
  escapeByDefault(ast);
  const template = environment.compile(ast, { noEscape: true, strict: true });
  compiled.set(name, template);
  return template;
}
