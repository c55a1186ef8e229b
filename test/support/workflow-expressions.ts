/**
 * GitHub Actions expressions (`${{ }}` and `if:`) for the local workflow runner: literals,
 * contexts, `.`/`[]` access, `==`, `!=`, `!`, `&&`, `||`, and the few functions the workflow uses.
 * Anything it does not know throws, so an expression it cannot evaluate never passes silently.
 */
export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };
export type Contexts = Record<string, Value>;

const LENIENT = new WeakSet();
/** A context whose missing keys read as null, as GitHub's `vars`, `secrets`, `env` and outputs do. */
export function lenient<T extends object>(o: T): T {
  LENIENT.add(o);
  return o;
}

type Evaluator = (ctx: Contexts) => Value;
const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|'((?:[^']|'')*)'|([A-Za-z_][A-Za-z0-9_-]*)|(==|!=|&&|\|\||[!()[\].,]))/y;

const truthy = (v: Value) => !(v === null || v === false || v === 0 || v === "" || Number.isNaN(v));
const isObject = (v: Value) => typeof v === "object" && v !== null;
/** GitHub's `==`: strings ignore case, objects by identity, anything else compared as numbers. */
function equals(a: Value, b: Value): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (isObject(a) || isObject(b)) return a === b;
  return Number(a ?? 0) === Number(b ?? 0);
}

function member(target: Value, key: string, where: string): Value {
  if (target === null) return null;
  if (typeof target !== "object") throw new Error(`${where}: cannot read "${key}" of ${JSON.stringify(target)}`);
  const own = Object.hasOwn(target, key) ? (target as Record<string, Value>)[key] : undefined;
  if (own !== undefined) return own;
  if (LENIENT.has(target)) return null;
  throw new Error(`${where}: unknown property "${key}"`);
}

/** A value as text for a function or an index: a string as it is, anything else as its JSON. */
const textOf = (v: Value) => (typeof v === "string" ? v : JSON.stringify(v));

const FUNCTIONS = new Map<string, (...args: Value[]) => Value>([
  ["fromJSON", (s) => JSON.parse(textOf(s)) as Value],
  ["toJSON", (v) => JSON.stringify(v, null, 2)],
]);
/** Binary operators by precedence, loosest first; the right side is evaluated only when needed. */
const LEVELS = [
  new Map([["||", (a: Value, b: () => Value) => (truthy(a) ? a : b())]]),
  new Map([["&&", (a: Value, b: () => Value) => (truthy(a) ? b() : a)]]),
  new Map([
    ["==", (a: Value, b: () => Value) => equals(a, b())],
    ["!=", (a: Value, b: () => Value) => !equals(a, b())],
  ]),
];

/** Compiles one expression (the text between `${{` and `}}`, or an `if:`). */
export function compile(text: string): Evaluator {
  const fail = (why: string): never => {
    throw new Error(`expression "${text}": ${why}`);
  };
  const tokens: { kind: "num" | "str" | "id" | "op"; text: string }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.trimEnd().length) {
    const at = TOKEN.lastIndex;
    const [, num, str, id, op] = TOKEN.exec(text) ?? fail(`cannot read "${text.slice(at).trim()}"`);
    if (num !== undefined) tokens.push({ kind: "num", text: num });
    else if (str !== undefined) tokens.push({ kind: "str", text: str.replace(/''/g, "'") });
    else if (id !== undefined) tokens.push({ kind: "id", text: id });
    else tokens.push({ kind: "op", text: op ?? fail(`no token at ${at}`) });
  }
  let i = 0;
  const isOp = (op: string) => {
    const token = tokens[i];
    return token?.kind === "op" && token.text === op;
  };
  const expect = (op: string) => (isOp(op) ? i++ : fail(`expected "${op}" at token ${i}`));
  const primary = (): Evaluator => {
    const { kind, text: token } = tokens[i++] ?? fail("ends too early");
    if (kind === "num") return () => Number(token);
    if (kind === "str") return () => token;
    if (kind === "op" && token === "(") {
      const inner = level(0);
      expect(")");
      return inner;
    }
    if (kind !== "id") return fail(`unexpected "${token}"`);
    if (token === "true" || token === "false") return () => token === "true";
    if (token === "null") return () => null;
    if (isOp("(")) {
      const fn = FUNCTIONS.get(token) ?? fail(`unknown function ${token}()`);
      const args: Evaluator[] = [];
      for (i++; !isOp(")");) {
        args.push(level(0));
        if (!isOp(")")) expect(",");
      }
      i++;
      return (c) => fn(...args.map((a) => a(c)));
    }
    return (c) => {
      // A context may hold null: only a missing one fails.
      const found = c[token];
      return found === undefined ? fail(`unknown context "${token}"`) : found;
    };
  };
  const postfix = (): Evaluator => {
    let value = primary();
    for (;;) {
      const target = value;
      if (isOp(".")) {
        i++;
        const name = tokens[i];
        if (name?.kind !== "id") return fail("expected a property name");
        i++;
        const key = name.text;
        value = (c) => member(target(c), key, `expression "${text}"`);
      } else if (isOp("[")) {
        i++;
        const key = level(0);
        expect("]");
        value = (c) => member(target(c), textOf(key(c)), `expression "${text}"`);
      } else return value;
    }
  };
  const unary = (): Evaluator => {
    if (!isOp("!")) return postfix();
    i++;
    const inner = unary();
    return (c) => !truthy(inner(c));
  };
  const level = (n: number): Evaluator => {
    const operators = LEVELS[n];
    if (operators === undefined) return unary();
    const operator = () => {
      const token = tokens[i];
      return token?.kind === "op" ? operators.get(token.text) : undefined;
    };
    let left = level(n + 1);
    for (let op = operator(); op; op = operator()) {
      i++;
      const [a, b, apply] = [left, level(n + 1), op];
      left = (c) => apply(a(c), () => b(c));
    }
    return left;
  };
  const result = level(0);
  const extra = tokens[i];
  if (extra) fail(`unexpected "${extra.text}"`);
  return result;
}

export function asText(v: Value, where: string): string {
  if (v === null) return "";
  if (typeof v === "object") throw new Error(`${where}: an object or array cannot be written into text`);
  return String(v);
}

/** A YAML value with `${{ }}` in it: the expression's own value when it is the whole text, else text. */
export function interpolate(value: unknown, ctx: Contexts): Value {
  if (typeof value !== "string") return value as Value;
  const parts = value.split(/\$\{\{(.*?)\}\}/s);
  const [before, whole, after] = parts;
  if (parts.length === 3 && before?.trim() === "" && whole !== undefined && after?.trim() === "") return compile(whole)(ctx);
  return parts.map((p, n) => (n % 2 === 0 ? p : asText(compile(p)(ctx), value))).join("");
}

export function condition(value: unknown, ctx: Contexts): boolean {
  if (value === undefined) return true;
  if (typeof value === "boolean") return value;
  const text = (typeof value === "string" ? value : JSON.stringify(value)).trim();
  return truthy(compile(/^\$\{\{(.*)\}\}$/s.exec(text)?.[1] ?? text)(ctx));
}
