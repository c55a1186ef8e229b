/**
 * Every relative link in the README, CONTRIBUTING and docs/ leads somewhere: its file or folder
 * exists inside the repository, and its anchor names a heading of the Markdown file it points to
 * (as GitHub makes heading anchors). Links to the web are not fetched. The README stays short.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..", "..");

/** README.md, CONTRIBUTING.md and every Markdown file under docs/, relative to the root. */
function documents(root: string): string[] {
  const underDocs = (fs.readdirSync(path.join(root, "docs"), { recursive: true }) as string[])
    .filter((file) => file.endsWith(".md"))
    .map((file) => path.join("docs", file));
  return ["README.md", "CONTRIBUTING.md", ...underDocs.sort()];
}

/**
 * The lines that GitHub renders as Markdown text: fenced code blocks become empty lines (kept, so
 * line numbers stay), and code spans are blanked, since neither holds links.
 */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split("\n").map((line) => {
    const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker?.startsWith(fence)) fence = undefined;
      return "";
    }
    if (marker !== undefined) {
      fence = marker;
      return "";
    }
    return line.replace(/(`+)[^`]*?\1/g, (span) => " ".repeat(span.length));
  });
}

/** GitHub's anchor for a heading: lower case, punctuation and symbols dropped, each space a hyphen. */
function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link or image reads as its text
    .replace(/`/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** Every anchor a Markdown text's headings make; a repeated heading's gets -1, -2, ... */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fenced = false;
  for (const line of text.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = headingSlug(heading);
    const times = seen.get(slug) ?? 0;
    seen.set(slug, times + 1);
    result.add(times === 0 ? slug : `${slug}-${times}`);
  }
  return result;
}

interface Link {
  line: number;
  target: string;
}

/** Inline links and images, `[text](target)` and `![alt](target "title")`, outside code. */
function links(text: string): Link[] {
  const found: Link[] = [];
  proseLines(text).forEach((line, i) => {
    for (const match of line.matchAll(/\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1];
      if (target !== undefined) found.push({ line: i + 1, target });
    }
  });
  return found;
}

/** Why a relative link leads nowhere, or undefined when it resolves (web and mail links are skipped). */
function problem(root: string, from: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) return undefined;
  const [pathPart = "", anchor] = target.split("#", 2);
  const file = pathPart === "" ? path.join(root, from) : path.resolve(path.join(root, path.dirname(from)), decodeURI(pathPart));
  if (path.relative(root, file).startsWith("..")) return "leaves the repository";
  if (!fs.existsSync(file)) return "no such file";
  if (anchor === undefined || !file.endsWith(".md")) return undefined;
  return anchors(fs.readFileSync(file, "utf8")).has(anchor) ? undefined : `no heading makes #${anchor}`;
}

/** Each broken link of the documents, as `file:line target: why`. */
function brokenLinks(root: string, files: string[]): string[] {
  return files.flatMap((from) =>
    links(fs.readFileSync(path.join(root, from), "utf8")).flatMap(({ line, target }) => {
      const why = problem(root, from, target);
      return why === undefined ? [] : [`${from}:${line} ${target}: ${why}`];
    }),
  );
}

describe("the documentation's links", () => {
  it.each(documents(ROOT))("%s: every relative link resolves", (file) => {
    expect(brokenLinks(ROOT, [file])).toEqual([]);
  });

  it("covers the README, CONTRIBUTING and docs/, nested folders too", () => {
    const files = documents(ROOT);
    expect(files.slice(0, 2)).toEqual(["README.md", "CONTRIBUTING.md"]);
    expect(files).toContain(path.join("docs", "getting-started.md"));
    expect(files).toContain(path.join("docs", "internals", "join.md"));
  });

  it("README.md stays a page for a new user: at most 200 lines", () => {
    const lines = fs.readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n").length - 1;
    expect(lines).toBeLessThanOrEqual(200);
  });
});

describe("the link check (it can fail)", () => {
  it("makes GitHub's anchors, worked out by hand", () => {
    expect(headingSlug("What each role may do, and how that is checked")).toBe("what-each-role-may-do-and-how-that-is-checked");
    expect(headingSlug("Collectors (`functions/`)")).toBe("collectors-functions");
    expect(headingSlug("Athena's system table")).toBe("athenas-system-table");
    expect(headingSlug("The embedded join against `zcat`: `npm run bench:join`")).toBe("the-embedded-join-against-zcat-npm-run-benchjoin");
    expect(headingSlug("Which engine read the lake: the evidence in CloudTrail")).toBe(
      "which-engine-read-the-lake-the-evidence-in-cloudtrail",
    );
    expect(headingSlug("[Docs](docs/README.md) by task")).toBe("docs-by-task");
  });

  it("finds links, not what code shows", () => {
    const text = 'See [a](a.md#x) and ![b](img/b.png).\n`[c](c.md)` stays code.\n```\n[d](d.md)\n```\n[e](e.md "title")\n';
    expect(links(text)).toEqual([
      { line: 1, target: "a.md#x" },
      { line: 1, target: "img/b.png" },
      { line: 6, target: "e.md" },
    ]);
  });

  it("names each missing file, missing anchor and escape from the repository, and passes the rest", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "athena-audit-links-"));
    try {
      fs.mkdirSync(path.join(root, "docs", "sub"), { recursive: true });
      fs.writeFileSync(path.join(root, "docs", "sub", "target.md"), "# Title\n\n## Setup\n\n## Setup\n\n```\n# not a heading\n```\n");
      const page = [
        "[ok](sub/target.md#setup) [again](sub/target.md#setup-1) [here](#top) [dir](sub/) [web](https://example.com/x#y)",
        "[gone](sub/missing.md) [no anchor](sub/target.md#install) [code heading](sub/target.md#not-a-heading)",
        "[out](../../etc/passwd) [own](#nowhere)",
        "# Top",
      ].join("\n");
      fs.writeFileSync(path.join(root, "docs", "page.md"), page);
      expect(brokenLinks(root, [path.join("docs", "page.md")])).toEqual([
        "docs/page.md:2 sub/missing.md: no such file",
        "docs/page.md:2 sub/target.md#install: no heading makes #install",
        "docs/page.md:2 sub/target.md#not-a-heading: no heading makes #not-a-heading",
        "docs/page.md:3 ../../etc/passwd: leaves the repository",
        "docs/page.md:3 #nowhere: no heading makes #nowhere",
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
