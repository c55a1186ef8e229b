/**
 * Handlebars set up once for every Markdown template (pages, issues): `{{value}}` escapes for
 * Markdown by default (the Markdown channel's `markdownText`, not handlebars' HTML escaping, which
 * leaves Markdown's own syntax alone), and only `{{{value}}}` or a helper's `SafeString` is written as
 * it is: text the product built itself (a page model's cells, already escaped; a chart; a JSON
 * example). Handlebars has no per-instance escape function, so each escaped `{{…}}` of the template
 * is rewritten, once at compile time, into a call of the escaping helper.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Handlebars from "handlebars";
import { markdownText } from "./markdown";

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
      const m = n as hbs.AST.MustacheStatement;
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

/** A handlebars environment with the Markdown escape and these helpers (whose output is escaped unless they return `trusted`). */
export function markdownEnvironment(helpers: Record<string, Helper> = {}): Hbs {
  const hbs = Handlebars.create();
  hbs.registerHelper(ESCAPE, escapeForMarkdown);
  for (const [name, helper] of Object.entries(helpers)) hbs.registerHelper(name, helper);
  return hbs;
}

/** Compiles a template of reports/templates (strict: a missing value is an error, not an empty string). */
export function compileMarkdown(hbs: Hbs, file: string): Handlebars.TemplateDelegate {
  const ast = hbs.parse(fs.readFileSync(file, "utf8"));
  escapeByDefault(ast);
  return hbs.compile(ast, { noEscape: true, strict: true });
}

export function templateFile(directory: string, name: string): string {
  return path.join(directory, `${name}.hbs`);
}
