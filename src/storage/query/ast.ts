// The parsed form of a Trilium search query. Names and values are lower-cased, as Trilium compares them.

export type Operator = '=' | '!=' | '*=*' | '=*' | '*=' | '>' | '>=' | '<' | '<=' | '%=';

export const OPERATORS: ReadonlySet<string> = new Set<Operator>(['=', '!=', '*=*', '=*', '*=', '>', '>=', '<', '<=', '%=']);

export type Expr =
  | { kind: 'and'; items: Expr[] }
  | { kind: 'or'; items: Expr[] }
  | { kind: 'not'; item: Expr }
  /** `#name` / `~name`: the note has (owns or inherits) the attribute. */
  | { kind: 'attributeExists'; attributeType: 'label' | 'relation'; name: string }
  /** `#name op value`. */
  | { kind: 'labelCompare'; name: string; op: Operator; value: string }
  /** `~name.…`: some target of the relation matches `where`. */
  | { kind: 'relationWhere'; name: string; where: Expr }
  /** `note.title op value` and the other note properties. */
  | { kind: 'property'; property: NoteProperty; op: Operator; value: string }
  /** `note.content op value` (`note.rawContent` keeps the HTML). */
  | { kind: 'content'; op: Operator; value: string; raw: boolean }
  /** `note.parents.…`: some parent matches. */
  | { kind: 'parentMatches'; where: Expr }
  /** `note.children.…`: some child matches. */
  | { kind: 'childMatches'; where: Expr }
  /** `note.ancestors.…`: some ancestor (or the note itself) matches. */
  | { kind: 'ancestorMatches'; where: Expr }
  /** `note.text *= value`: title or content contains the value. */
  | { kind: 'text'; value: string }
  /** Leading words: every token in the note's title, path, attributes or content. */
  | { kind: 'fulltext'; tokens: string[] };

export const NOTE_PROPERTIES = [
  'noteid', 'title', 'type', 'mime', 'isprotected', 'isarchived', 'datecreated', 'datemodified', 'utcdatecreated',
  'utcdatemodified', 'parentcount', 'childrencount', 'attributecount', 'labelcount', 'ownedlabelcount', 'relationcount',
  'ownedrelationcount', 'relationcountincludinglinks', 'ownedrelationcountincludinglinks', 'targetrelationcount',
  'targetrelationcountincludinglinks', 'contentsize', 'contentandattachmentssize', 'contentandattachmentsandrevisionssize',
  'revisioncount',
] as const;

export type NoteProperty = typeof NOTE_PROPERTIES[number];

export function isNoteProperty(name: string): name is NoteProperty {
  return (NOTE_PROPERTIES as readonly string[]).includes(name);
}

/** One `orderBy` key: a path like ['note', 'title'], ['note', 'labels', 'year'], ['note', 'parents', 'title']. */
export interface OrderKey {
  path: string[];
  direction: 'asc' | 'desc';
}

export interface ParsedQuery {
  /** The whole filter, full-text part included; null matches every note. */
  expression: Expr | null;
  /** The full-text words (normalized), used for relevance. */
  fulltextTokens: string[];
  /** The leading full-text part of the query as typed (lower-cased). */
  fulltextQuery: string;
  /**
   * What Trilium scores relevance with (its "highlighted tokens"): label and relation names and compared label values
   * of the expression, the full-text tokens, then note.content / note.text values not among them.
   */
  highlightTokens: string[];
  orderBy: OrderKey[];
  limit: number | null;
}
