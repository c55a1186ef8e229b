/**
 * The table scans of one SQL statement as Trino (Athena engine 3) plans them, from its parse tree
 * under a Trino grammar (dt-sql-parser's): each reference to a base table is a scan, with the
 * conditions on its columns that Athena can prune partitions by. Trino inlines a WITH query at each
 * reference, so a WITH query referenced k times contributes its scans k times.
 * An upper bound: a condition of an enclosing query, which Trino may push down into a subquery, and
 * a join's dynamic filter, which may prune at run time, restrict nothing here.
 */
// The Trino dialect alone: the package's index loads every dialect's parser (20 MB).
import { TrinoSQL } from "dt-sql-parser/dist/parser/trino/index";
import type { ParseTree } from "antlr4ng";
import {
  AliasedRelationContext,
  AndContext,
  BetweenContext,
  ComparisonContext,
  InListContext,
  JoinRelationContext,
  ParenthesizedExpressionContext,
  ParenthesizedRelationContext,
  PredicatedContext,
  QueryStatementContext,
  QuerySpecificationContext,
  TableNameContext,
  ValueExpressionDefaultContext,
} from "dt-sql-parser/dist/lib/trino/TrinoSqlParser";
import type { BooleanExpressionContext, QueryContext, ValueExpressionContext } from "dt-sql-parser/dist/lib/trino/TrinoSqlParser";
import { columnOf, ColumnName, identifierText, literalText } from "./trino-literals";

/** One comparison of a column with literals, the only kind Athena prunes partitions by here. */
export interface Condition {
  column: ColumnName;
  /** The conjunct as written, for messages. */
  text: string;
  allows(value: string): boolean;
}

export interface Scan {
  /** The table's name, lower case, without catalog or schema. */
  table: string;
  /** The WHERE (and inner JOIN ... ON) conjuncts of the query that scans it, on its own columns. */
  conditions: Condition[];
}

interface WithQuery {
  body: QueryContext;
  /** The names it sees: the WITH queries before it and the enclosing ones. */
  scope: Scope;
  /** Its scans, once worked out; each reference repeats them. */
  scans?: Scan[];
}
type Scope = ReadonlyMap<string, WithQuery>;

const parser = new TrinoSQL();

/** A statement's parse tree; a syntax error fails naming the query, the line and the column. */
export function parseStatement(queryName: string, sql: string): ParseTree {
  const errors: string[] = [];
  const tree = parser.parse(sql, (e) => errors.push(`line ${e.startLine}:${e.startColumn} ${e.message}`));
  if (errors.length > 0) throw new Error(`query ${queryName}: the statement sent to Athena is not Trino SQL: ${errors.join("; ")}`);
  return tree;
}

/** Every scan of a base table (a name no WITH query in scope takes) in a parsed statement. */
export function statementScans(tree: ParseTree): Scan[] {
  return walk(tree, new Map(), new Map());
}

const children = (node: ParseTree): ParseTree[] => Array.from({ length: node.getChildCount() }, (_, i) => node.getChild(i) as ParseTree);

function walk(node: ParseTree, scope: Scope, relations: ReadonlyMap<ParseTree, Condition[]>): Scan[] {
  if (node instanceof QueryStatementContext) {
    let inner: Scope = scope;
    for (const named of node.with()?.namedQuery() ?? [])
      inner = new Map(inner).set(identifierText(named.identifier()), { body: named.query(), scope: inner });
    return walk(node.queryNoWith(), inner, relations);
  }
  if (node instanceof QuerySpecificationContext) {
    const own = relationConditions(node);
    return children(node).flatMap((child) => walk(child, scope, own));
  }
  if (node instanceof TableNameContext) {
    const parts = (node.tableOrViewName().tableRef()?.identifier() ?? []).map(identifierText);
    const name = parts.at(-1) ?? node.getText().toLowerCase();
    const withQuery = parts.length === 1 ? scope.get(name) : undefined;
    if (withQuery) {
      withQuery.scans ??= walk(withQuery.body, withQuery.scope, new Map());
      return withQuery.scans;
    }
    return [{ table: name, conditions: (node.parent && relations.get(node.parent)) ?? [] }];
  }
  return children(node).flatMap((child) => walk(child, scope, relations));
}

/**
 * The conditions that restrict each table of a query's FROM: its WHERE conjuncts, and the ON
 * conjuncts of the joins it takes part in, except on the preserved side of an outer join (a LEFT
 * JOIN's ON does not filter its left side). A qualified condition restricts only the relation of
 * that name; an unqualified one every table holding the column (else the SQL would be ambiguous).
 */
function relationConditions(query: QuerySpecificationContext): Map<ParseTree, Condition[]> {
  const out = new Map<ParseTree, Condition[]>();
  const where = conditionsOf(query.whereClause()?.booleanExpression());
  const collect = (node: ParseTree, inherited: Condition[]) => {
    if (node instanceof JoinRelationContext) {
      const on = conditionsOf(node.joinCriteria()?.booleanExpression());
      const type = node.joinType();
      const full = type?.KW_FULL() != null;
      const [left, joined] = node.relation();
      const right: ParseTree | null = joined ?? node.sampledRelation(); // CROSS JOIN's right side is a sampled relation
      if (left) collect(left, full || type?.KW_LEFT() != null ? inherited : [...inherited, ...on]);
      if (right) collect(right, full || type?.KW_RIGHT() != null ? inherited : [...inherited, ...on]);
      return;
    }
    if (node instanceof AliasedRelationContext) {
      const primary = node.relationPrimary();
      if (primary instanceof ParenthesizedRelationContext) collect(primary.relation(), inherited);
      if (!(primary instanceof TableNameContext)) return;
      const parts = (primary.tableOrViewName().tableRef()?.identifier() ?? []).map(identifierText);
      const alias = node.identifier() ? identifierText(node.identifier()) : parts.at(-1);
      out.set(
        node,
        inherited.filter((c) => c.column.qualifier === undefined || c.column.qualifier === alias),
      );
      return;
    }
    for (const child of children(node)) collect(child, inherited);
  };
  for (const relation of query.relation()) collect(relation, where);
  return out;
}

/** The AND-ed parts of a condition, through parentheses. */
function conjuncts(expression: BooleanExpressionContext | null | undefined): BooleanExpressionContext[] {
  if (!expression) return [];
  if (expression instanceof AndContext) return expression.booleanExpression().flatMap(conjuncts);
  const inner =
    expression instanceof PredicatedContext && !expression.predicate() ? parenthesized(expression.valueExpression()) : undefined;
  return inner ? conjuncts(inner) : [expression];
}

function parenthesized(value: ValueExpressionContext): BooleanExpressionContext | undefined {
  const primary = value instanceof ValueExpressionDefaultContext ? value.primaryExpression() : undefined;
  return primary instanceof ParenthesizedExpressionContext ? primary.expression().booleanExpression() : undefined;
}

const FLIPPED: Record<string, string> = { "=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

function compare(op: string, literal: string): ((v: string) => boolean) | undefined {
  switch (op) {
    case "=":
      return (v) => v === literal;
    case "<":
      return (v) => v < literal;
    case "<=":
      return (v) => v <= literal;
    case ">":
      return (v) => v > literal;
    case ">=":
      return (v) => v >= literal;
    default:
      return undefined; // <>, !=: no pruning
  }
}

function conditionsOf(expression: BooleanExpressionContext | null | undefined): Condition[] {
  return conjuncts(expression).flatMap((c) => {
    const condition = conditionOf(c);
    return condition ? [condition] : [];
  });
}

/** `column op literal` (either way round), `column [NOT] BETWEEN`, `column [NOT] IN (literals)`; anything else restricts nothing. */
function conditionOf(expression: BooleanExpressionContext): Condition | undefined {
  if (!(expression instanceof PredicatedContext)) return undefined;
  const predicate = expression.predicate();
  const text = expression.getText();
  const left = expression.valueExpression();
  if (predicate instanceof ComparisonContext) {
    const op = predicate.comparisonOperator().getText();
    const right = predicate.valueExpression();
    const [column, literal, applied] = columnOf(left)
      ? [columnOf(left), literalText(right), op]
      : [columnOf(right), literalText(left), FLIPPED[op] ?? op];
    const allows = literal === undefined ? undefined : compare(applied, literal);
    return column && allows ? { column, text, allows } : undefined;
  }
  const column = columnOf(left);
  if (!column) return undefined;
  if (predicate instanceof BetweenContext && !predicate.KW_NOT()) {
    const [low, high] = predicate.valueExpression().map(literalText);
    return low !== undefined && high !== undefined ? { column, text, allows: (v) => v >= low && v <= high } : undefined;
  }
  if (predicate instanceof InListContext && !predicate.KW_NOT()) {
    const values = predicate.expression().map(literalText);
    if (values.some((v) => v === undefined)) return undefined;
    return { column, text, allows: (v) => values.includes(v) };
  }
  return undefined;
}
