/**
 * Reading a Trino parse tree's columns and constant expressions: what a partition column is compared
 * with, folded as Trino folds constants before it prunes partitions ('a' || 'b', CAST(... AS date),
 * a date plus or minus INTERVAL 'n' DAY, date_add('day', n, d), DATE '...'). Anything else is not a
 * constant here, so it restricts nothing.
 */
import type { ParseTree } from "antlr4ng";
import { addDays, parseDay } from "../../core/days";
import {
  ArithmeticBinaryContext,
  BasicStringLiteralContext,
  CastContext,
  ColumnReferenceContext,
  ConcatenationContext,
  DereferenceContext,
  ExpressionContext,
  FunctionCallContext,
  IntervalLiteralContext,
  NumericLiteralContext,
  ParenthesizedExpressionContext,
  PredicatedContext,
  QuotedIdentifierContext,
  StringLiteralContext,
  TypeConstructorContext,
  ValueExpressionDefaultContext,
} from "dt-sql-parser/dist/lib/trino/TrinoSqlParser";
import type { IdentifierContext } from "dt-sql-parser/dist/lib/trino/TrinoSqlParser";

/** A column as a condition names it: `dt`, or `e.dt` (qualifier `e`); lower case, as Trino resolves them. */
export interface ColumnName {
  qualifier?: string;
  name: string;
}

type Constant =
  { kind: "text"; value: string } | { kind: "date"; value: string } | { kind: "number"; value: number } | { kind: "days"; value: number };

/** An identifier's name: unquoted, lower case. */
export function identifierText(identifier: IdentifierContext | null): string {
  const text = identifier?.getText() ?? "";
  return identifier instanceof QuotedIdentifierContext ? text.slice(1, -1).replace(/""/g, '"').toLowerCase() : text.toLowerCase();
}

/** The column a value expression is, if it is a bare (optionally qualified) column. */
export function columnOf(node: ParseTree | null): ColumnName | undefined {
  if (node instanceof ValueExpressionDefaultContext) return columnOf(node.primaryExpression());
  if (node instanceof ColumnReferenceContext) {
    const parts = node.columnName().qualifiedName().identifier().map(identifierText);
    const name = parts.at(-1);
    return name === undefined ? undefined : { qualifier: parts.at(-2), name };
  }
  if (node instanceof DereferenceContext) {
    const base = columnOf(node.primaryExpression());
    return base && base.qualifier === undefined ? { qualifier: base.name, name: identifierText(node.identifier()) } : undefined;
  }
  return undefined;
}

/** The text a constant expression compares as (a date as yyyy-MM-dd), or undefined when it is no constant. */
export function literalText(node: ParseTree | null): string | undefined {
  const value = constant(node);
  if (value?.kind === "text" || value?.kind === "date") return value.value;
  return value?.kind === "number" ? String(value.value) : undefined;
}

/** A calendar day as yyyy-MM-dd, which CAST(... AS date) accepts. */
function isDay(text: string): boolean {
  try {
    return parseDay(text) === text;
  } catch {
    return false;
  }
}

function constant(node: ParseTree | null): Constant | undefined {
  if (node instanceof ExpressionContext) return constant(node.booleanExpression());
  if (node instanceof PredicatedContext) return node.predicate() ? undefined : constant(node.valueExpression());
  if (node instanceof ValueExpressionDefaultContext) return constant(node.primaryExpression());
  if (node instanceof ParenthesizedExpressionContext) return constant(node.expression());
  if (node instanceof StringLiteralContext) {
    const literal = node.string();
    return literal instanceof BasicStringLiteralContext ? { kind: "text", value: unquote(literal.getText()) } : undefined;
  }
  if (node instanceof NumericLiteralContext) {
    const value = Number(node.getText());
    return Number.isFinite(value) ? { kind: "number", value } : undefined;
  }
  if (node instanceof TypeConstructorContext) {
    const value = unquote(node.string().getText());
    return identifierText(node.identifier()) === "date" && isDay(value) ? { kind: "date", value } : undefined;
  }
  if (node instanceof IntervalLiteralContext) {
    const interval = node.interval();
    const fields = interval.intervalField();
    const amount = Number(unquote(interval.string().getText()));
    if (fields.length !== 1 || !fields[0]?.KW_DAY() || !Number.isInteger(amount)) return undefined;
    return { kind: "days", value: interval.MINUS() ? -amount : amount };
  }
  if (node instanceof ConcatenationContext) {
    const [left, right] = node.valueExpression().map(constant);
    return left?.kind === "text" && right?.kind === "text" ? { kind: "text", value: left.value + right.value } : undefined;
  }
  if (node instanceof ArithmeticBinaryContext) {
    const [left, right] = node.valueExpression().map(constant);
    const sign = node.PLUS() ? 1 : node.MINUS() ? -1 : 0;
    return left?.kind === "date" && right?.kind === "days" && sign !== 0
      ? { kind: "date", value: addDays(left.value, sign * right.value) }
      : undefined;
  }
  if (node instanceof CastContext) return cast(constant(node.expression()), node.type().getText().toLowerCase());
  if (node instanceof FunctionCallContext) return dateAdd(node);
  return undefined;
}

function cast(value: Constant | undefined, type: string): Constant | undefined {
  if (type === "date") {
    if (value?.kind === "date") return value;
    return value?.kind === "text" && isDay(value.value) ? { kind: "date", value: value.value } : undefined;
  }
  if (type.startsWith("varchar") && (value?.kind === "text" || value?.kind === "date")) return { kind: "text", value: value.value };
  return undefined;
}

/** `date_add('day', n, date)`. */
function dateAdd(call: FunctionCallContext): Constant | undefined {
  if (call.functionName().getText().toLowerCase() !== "date_add") return undefined;
  const [unit, amount, day] = call.expression().map(constant);
  return unit?.kind === "text" && unit.value.toLowerCase() === "day" && amount?.kind === "number" && day?.kind === "date"
    ? { kind: "date", value: addDays(day.value, amount.value) }
    : undefined;
}

function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/''/g, "'");
}
