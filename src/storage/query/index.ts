// Trilium's search language over the replica (see parser.ts for the grammar, evaluate.ts for the semantics).
export { parseQuery } from './parser';
export { lex } from './lexer';
export { SearchSyntaxError } from './errors';
export { NoteIndex } from './noteIndex';
export { runSearch, type SearchHit, type SearchOptions } from './search';
export type { Expr, ParsedQuery, OrderKey, Operator } from './ast';
