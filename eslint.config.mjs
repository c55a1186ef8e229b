// ESLint: correctness, with the type checker's help. Formatting is Prettier's job (.prettierrc.json);
// the only layout rule here is max-len, for the lines Prettier cannot break (strings, comments).
// `npm run lint` runs this with --max-warnings 0, then `prettier --check`.
import comments from "@eslint-community/eslint-plugin-eslint-comments/configs";
import js from "@eslint/js";
import stylistic from "@stylistic/eslint-plugin";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  // Build output and generated data (.gitignore'd; ESLint does not read .gitignore). The generated
  // Markdown and the JSON fixtures are not ESLint's to read; Prettier's exclusions are in .prettierignore.
  globalIgnores(["dist/", ".bench/", "coverage/", ".demo-lake/", "lake/"]),

  // A disable comment must say why, and one that no longer suppresses anything is an error.
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  comments.recommended,
  { rules: { "@eslint-community/eslint-comments/require-description": "error" } },

  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The type-checked set is the one `npm run typecheck` checks: a .ts file outside
        // tsconfig.test.json fails here with "not included in the project", so add its folder there.
        // (projectService would pick tsconfig.json, which holds only pulumi/.)
        project: "./tsconfig.test.json",
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { "@stylistic": stylistic },
    rules: {
      // Prettier's printWidth, for what Prettier leaves long: string and template literals, comments.
      "@stylistic/max-len": ["error", { code: 140, tabWidth: 2, ignoreUrls: true }],

      // Numbers in messages ("joined ${n} rows") are what the messages are for; objects, arrays,
      // nullish values, booleans and `any` in a template are still errors. (Strict refuses numbers
      // too: 107 of its 118 hits here were numbers, none of them a defect.)
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowAny: false, allowBoolean: false, allowNullish: false, allowRegExp: false, allowNever: false },
      ],

      // On with tsconfig's noUncheckedIndexedAccess: without it the checker types `record[key]`,
      // `array[i]` and optional regex groups as always defined, and this rule would call the guards
      // on them unnecessary. Keep the two together.
      "@typescript-eslint/no-unnecessary-condition": "error",

      // `() => server.close()` and `(line) => console.log(line)` are plain callbacks, not confusion;
      // a `return voidCall()` inside a block is still reported.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],

      // It would rewrite `x as T` to `x!`, which no-non-null-assertion refuses outside tests. Both
      // are unchecked claims; the fix is a check that throws with a message, not the other spelling.
      "@typescript-eslint/non-nullable-type-assertion-style": "off",
    },
  },

  // Tests: `rows.find(...)!` is an assertion; when it is wrong the test fails, which is the point.
  {
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },

  // Plain JavaScript (scripts/bundle.mjs, test/pulumi/run-program.cjs, this file) and the vitest
  // config: outside the TypeScript project, so no type-aware rules; Node's globals.
  {
    files: ["**/*.{js,mjs,cjs}", "vitest.config.mts"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
