/**
 * One module per page: each `reports/pages/<name>-page.ts` is a saved query's page, registered in
 * `PAGES` under that query's name; the queries without one take the default page; and a page module
 * imports shared helpers only, never another page, the registry or the models that use it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { SAVED_QUERIES } from "../../queries/saved";
import { showsMoney } from "../../reports/publish";
import { defaultPage } from "../../reports/pages/default-page";
import { PAGES } from "../../reports/pages/registry";
import { present } from "../support/defined";

const PAGES_DIR = path.join(__dirname, "..", "..", "reports", "pages");
const moduleOf = (query: string) => `${query.replace(/_/g, "-")}-page.ts`;
const pageModules = fs
  .readdirSync(PAGES_DIR)
  .filter((f) => f.endsWith("-page.ts") && f !== "default-page.ts")
  .sort();

/** The relative imports of a module, as written (`./table`). */
const importsOf = (file: string) =>
  [...fs.readFileSync(path.join(PAGES_DIR, file), "utf8").matchAll(/^import [^;]*? from "(\.[^"]+)";$/gms)].map(([, spec]) =>
    present(spec, "an import's module"),
  );

/** Why a page module's imports break the rule, one line each. */
const forbidden = (file: string) =>
  importsOf(file)
    .filter((spec) => /-page$|^\.\/(registry|model|headline)$/.test(spec))
    .map((spec) => `${file} imports ${spec}`);

describe("the page registry", () => {
  it("names each page module after a saved query, which PAGES maps to that module's page", async () => {
    const names = SAVED_QUERIES.map((q) => q.name);
    expect(pageModules.filter((f) => !names.map(moduleOf).includes(f))).toEqual([]);
    for (const query of names.filter((name) => pageModules.includes(moduleOf(name)))) {
      const exported = Object.values((await import(path.join(PAGES_DIR, moduleOf(query)))) as Record<string, unknown>);
      expect(exported, query).toContain(PAGES[query as keyof typeof PAGES]);
    }
  });

  it("gives the default page to the queries without a module, and to those only", () => {
    const withDefault = SAVED_QUERIES.filter((q) => PAGES[q.name as keyof typeof PAGES] === defaultPage).map((q) => q.name);
    expect(withDefault).toEqual(SAVED_QUERIES.map((q) => q.name).filter((name) => !pageModules.includes(moduleOf(name))));
    expect(withDefault).toEqual([]);
  });

  it("states the billing rules on the pages that show money, and only there", () => {
    const withMoney = SAVED_QUERIES.filter(showsMoney).map((q) => q.name);
    expect(withMoney).toEqual(expect.arrayContaining(["top_scanners", "cost_by_query_shape", "bill_reconciliation", "usage_by_workgroup"]));
    for (const name of ["permission_gaps", "anomalies", "data_coverage", "witness_disagreements", "access_by_engine"])
      expect(withMoney, name).not.toContain(name);
  });

  it("keeps page modules apart: each imports shared helpers only", () => {
    expect(pageModules.flatMap(forbidden)).toEqual([]);
    // The check reads imports as the modules write them: the index's headline imports pages, and is caught.
    expect(forbidden("headline.ts")).toContain("headline.ts imports ./usage-by-account-page");
  });
});
