// Turns a search query into a ParsedQuery (see ast.ts), with Trilium's grammar: full-text words first, then
// expressions joined by `and`/`or` (implicitly `and`; mixing needs parentheses), `not(…)`, and at the top level a
// trailing `orderBy path [asc|desc], …` and `limit n`. Anything it does not accept is a SearchSyntaxError that
// names the token.
import { OPERATORS, isNoteProperty, type Expr, type Operator, type OrderKey, type ParsedQuery } from './ast';
import { DATE_KEYWORDS, resolveDateKeyword } from './dateKeywords';
import { SearchSyntaxError } from './errors';
import { lex, type Token } from './lexer';
import { normalize } from './normalize';

export interface ParseOptions {
  /** The time TODAY, NOW, MONTH and YEAR are relative to. */
  now?: Date;
}

const CONTENT_OPERATORS = new Set(['=', '!=', '*=*', '*=', '=*', '%=']);
const ORDER_PATH_PROPS = new Set(['parents', 'children', 'labels', 'relations', 'random']);

export function parseQuery(query: string, opts: ParseOptions = {}): ParsedQuery {
  const { fulltext, expression } = lex(query);
  const p = new Parser(query, expression, opts.now ?? new Date());
  const fulltextTokens = fulltext.map((t) => normalize(t.text)).filter((t) => t.length > 0);
  const body = p.parseTop();
  const parts: Expr[] = [];
  if (fulltextTokens.length) parts.push({ kind: 'fulltext', tokens: fulltextTokens });
  if (body.expression) parts.push(body.expression);
  const fulltextQuery = fulltext.length ? query.toLowerCase().slice(0, fulltext[fulltext.length - 1].end).trim() : '';
  const highlightTokens = [...p.highlighted, ...fulltextTokens];
  for (const t of p.contentValues) if (!highlightTokens.includes(t)) highlightTokens.push(t);
  return {
    expression: parts.length === 0 ? null : parts.length === 1 ? parts[0] : { kind: 'and', items: parts },
    fulltextTokens, fulltextQuery, highlightTokens, orderBy: body.orderBy, limit: body.limit,
  };
}

class Parser {
  private i = 0;
  /** Label and relation names and compared label values, in the order met (Trilium's highlighted tokens). */
  readonly highlighted: string[] = [];
  /** Values compared with note content (note.content, note.text). */
  readonly contentValues: string[] = [];

  constructor(private readonly query: string, private readonly tokens: Token[], private readonly now: Date) {}

  parseTop(): { expression: Expr | null; orderBy: OrderKey[]; limit: number | null } {
    const result = this.parseSequence(0);
    if (this.i < this.tokens.length) throw this.error('Unmatched ")"', this.tokens[this.i]);
    return result;
  }

  private error(message: string, token: Token | undefined): SearchSyntaxError {
    if (!token) return new SearchSyntaxError(`${message}, but the query ends`, this.query.length, '', this.query);
    return new SearchSyntaxError(message, token.start, this.query.slice(token.start, token.end), this.query);
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private next(what: string): Token {
    const t = this.tokens[this.i];
    if (!t) throw this.error(`Expected ${what}`, undefined);
    this.i++;
    return t;
  }

  private isOperator(t: Token | undefined): boolean {
    return !!t && !t.quoted && OPERATORS.has(t.text);
  }

  private is(t: Token | undefined, text: string): boolean {
    return !!t && !t.quoted && t.text === text;
  }

  /** Expressions up to the end or a `)` (left for the caller). */
  private parseSequence(level: number): { expression: Expr | null; orderBy: OrderKey[]; limit: number | null } {
    const items: Expr[] = [];
    let op: 'and' | 'or' | null = null;
    let opToken: Token | undefined;
    const aggregate = (): Expr | null => items.length === 0 ? null : items.length === 1 ? items[0] : { kind: op ?? 'and', items };
    while (this.i < this.tokens.length) {
      const t = this.tokens[this.i];
      if (this.is(t, ')')) break;
      if (this.is(t, '(')) {
        this.i++;
        const sub = this.parseSequence(level + 1);
        if (!this.is(this.peek(), ')')) throw this.error('Missing ")" for this "("', t);
        this.i++;
        if (sub.expression) items.push(sub.expression);
        continue;
      }
      if (!t.quoted && (t.text === '#' || t.text === '~')) { this.i++; continue; }
      if (!t.quoted && (t.text.startsWith('#') || t.text.startsWith('~'))) {
        this.i++;
        items.push(this.parseAttribute(t));
        continue;
      }
      if (this.is(t, 'orderby') || this.is(t, 'limit')) {
        if (level !== 0) throw this.error('orderBy and limit can appear only at the top level, outside parentheses', t);
        const tail = this.parseOrderByAndLimit();
        if (this.i < this.tokens.length) throw this.error('Nothing may follow orderBy and limit', this.tokens[this.i]);
        return { expression: aggregate(), ...tail };
      }
      if (this.is(t, 'not')) {
        this.i++;
        const open = this.peek();
        if (!this.is(open, '(')) throw this.error('"not" must be followed by an expression in parentheses, as in not(#label)', open ?? t);
        this.i++;
        const sub = this.parseSequence(level + 1);
        if (!this.is(this.peek(), ')')) throw this.error('Missing ")" for this "("', open);
        this.i++;
        if (!sub.expression) throw this.error('"not()" needs an expression inside', open);
        items.push({ kind: 'not', item: sub.expression });
        continue;
      }
      if (this.is(t, 'note')) {
        this.i++;
        items.push(this.parseNoteProperty(t));
        continue;
      }
      if (this.is(t, 'and') || this.is(t, 'or')) {
        this.i++;
        const word = t.text as 'and' | 'or';
        if (op === null) { op = word; opToken = t; }
        else if (op !== word) throw this.error(`Mixed "and" and "or" (after "${opToken ? this.query.slice(opToken.start, opToken.end) : op}"); group them with parentheses`, t);
        if (items.length === 0 || !this.peek() || this.is(this.peek(), ')')) throw this.error(`"${word}" needs an expression on both sides`, t);
        continue;
      }
      if (this.isOperator(t)) throw this.error(`Misplaced operator "${t.text}"; it must follow a label or a note property`, t);
      throw this.error('Unrecognized expression; full-text words must come before #labels, ~relations and note. properties', t);
    }
    return { expression: aggregate(), orderBy: [], limit: null };
  }

  private parseAttribute(t: Token): Expr {
    const isLabel = t.text.startsWith('#');
    let name = t.text.slice(1);
    const negated = name.startsWith('!');
    if (negated) name = name.slice(1);
    if (!name) throw this.error('An attribute name is missing', t);
    const exp = isLabel ? this.parseLabel(name) : this.parseRelation(name, t);
    return negated ? { kind: 'not', item: exp } : exp;
  }

  private parseLabel(name: string): Expr {
    this.highlighted.push(name);
    if (this.isOperator(this.peek())) {
      const op = this.next('an operator').text as Operator;
      const value = this.parseValue(op);
      this.highlighted.push(value);
      return { kind: 'labelCompare', name, op, value };
    }
    return { kind: 'attributeExists', attributeType: 'label', name };
  }

  private parseRelation(name: string, at: Token): Expr {
    this.highlighted.push(name);
    if (this.is(this.peek(), '.')) return { kind: 'relationWhere', name, where: this.parseNoteProperty(at) };
    if (this.isOperator(this.peek())) {
      throw this.error('A relation can be compared only through a property of its target, e.g. ~author.title = "Tolkien"', this.peek());
    }
    return { kind: 'attributeExists', attributeType: 'relation', name };
  }

  /** The compared value after an operator: a word or quoted text, or TODAY/NOW/MONTH/YEAR with ± n. */
  private parseValue(op: string): string {
    const t = this.next(`a value after "${op}"`);
    if (!t.quoted && (t.text.startsWith('#') || t.text.startsWith('~') || t.text === 'note' || this.is(t, '(') || this.is(t, ')'))) {
      throw this.error(t.text === 'note' ? '"note" is a reserved word; quote it to compare with the text "note"' : `Cannot compare with "${t.text}"; quote it to compare with that text`, t);
    }
    if (this.isOperator(t)) throw this.error(`Expected a value after "${op}"`, t);
    if (t.quoted) return t.text;
    if (!DATE_KEYWORDS.has(t.text)) return t.text + this.gluedRest(t);
    let delta = 0;
    const sign = this.peek();
    if (this.is(sign, '+') || this.is(sign, '-')) {
      this.i++;
      const n = this.next(`a number after "${sign!.text}"`);
      if (!/^\d+$/.test(n.text)) throw this.error(`Expected a whole number after "${sign!.text}"`, n);
      delta = (sign!.text === '-' ? -1 : 1) * parseInt(n.text, 10);
    }
    return resolveDateKeyword(t.text, delta, this.now);
  }

  /**
   * The rest of an unquoted value written without spaces that the lexer split at operator characters or dots, as in
   * `2021-12-01` (lexed `2021` `-` `12` `-` `01`). Trilium 0.103 compares with the first piece only (`>= 2021`, as a
   * number) and reports the rest as an error; we take the whole value, as the user wrote it.
   */
  private gluedRest(value: Token): string {
    let text = '';
    let end = value.end;
    for (let t = this.peek(); t && !t.quoted && t.start === end && t.text !== '(' && t.text !== ')'
      && !t.text.startsWith('#') && !t.text.startsWith('~'); t = this.peek()) {
      text += t.text;
      end = t.end;
      this.i++;
    }
    return text;
  }

  /** `.property …` after `note` or `~relation` (the current token is the dot). */
  private parseNoteProperty(after: Token): Expr {
    const dot = this.peek();
    if (!this.is(dot, '.')) throw this.error('Expected "." and a note property, e.g. note.title', dot ?? after);
    this.i++;
    const prop = this.next('a note property after "."');
    const name = prop.text;
    if (name === 'content' || name === 'rawcontent') {
      const op = this.peek();
      if (!this.isOperator(op)) throw this.error(`Expected an operator after note.${name}`, op ?? prop);
      if (!CONTENT_OPERATORS.has(op!.text)) throw this.error(`Note content can be compared only with ${[...CONTENT_OPERATORS].join(' ')}`, op);
      this.i++;
      const value = normalize(this.parseValue(op!.text));
      this.contentValues.push(value);
      return { kind: 'content', op: op!.text as Operator, value, raw: name === 'rawcontent' };
    }
    if (name === 'parents') return { kind: 'parentMatches', where: this.parseNoteProperty(prop) };
    if (name === 'children') return { kind: 'childMatches', where: this.parseNoteProperty(prop) };
    if (name === 'ancestors') return { kind: 'ancestorMatches', where: this.parseNoteProperty(prop) };
    if (name === 'labels' || name === 'relations') {
      if (!this.is(this.peek(), '.')) throw this.error(`Expected "." and a name after note.${name}`, this.peek() ?? prop);
      this.i++;
      const attr = this.next(`a ${name === 'labels' ? 'label' : 'relation'} name`);
      return name === 'labels' ? this.parseLabel(attr.text) : this.parseRelation(attr.text, attr);
    }
    if (name === 'text') {
      const op = this.peek();
      if (!this.is(op, '*=*')) throw this.error('note.text supports only the *=* operator', op ?? prop);
      this.i++;
      const value = this.parseValue('*=*');
      this.contentValues.push(value);
      return { kind: 'text', value };
    }
    if (isNoteProperty(name)) {
      const op = this.peek();
      if (!this.isOperator(op)) throw this.error(`Expected an operator after note.${name}`, op ?? prop);
      this.i++;
      return { kind: 'property', property: name, op: op!.text as Operator, value: this.parseValue(op!.text) };
    }
    throw this.error(`Unknown note property "${name}"`, prop);
  }

  private parseOrderByAndLimit(): { orderBy: OrderKey[]; limit: number | null } {
    const orderBy: OrderKey[] = [];
    let limit: number | null = null;
    if (this.is(this.peek(), 'orderby')) {
      const keyword = this.next('orderBy');
      do {
        if (orderBy.length > 0) this.i++; // the comma
        const path: string[] = [];
        const first = this.peek();
        if (!first || this.is(first, 'limit')) throw this.error('Expected a property to order by, e.g. orderBy note.title', first ?? keyword);
        do {
          if (path.length > 0) this.i++; // the dot
          path.push(this.next('a property name').text);
        } while (this.is(this.peek(), '.'));
        let direction: 'asc' | 'desc' = 'asc';
        if (this.is(this.peek(), 'asc') || this.is(this.peek(), 'desc')) direction = this.next('asc or desc').text as 'asc' | 'desc';
        orderBy.push({ path: this.validateOrderPath(path, first), direction });
      } while (this.is(this.peek(), ','));
    }
    if (this.is(this.peek(), 'limit')) {
      const keyword = this.next('limit');
      const n = this.next('a number after limit');
      if (!/^\d+$/.test(n.text)) throw this.error('limit takes a whole number', n);
      limit = parseInt(n.text, 10);
      void keyword;
    }
    return { orderBy, limit };
  }

  private validateOrderPath(raw: string[], at: Token): string[] {
    let path = raw;
    if (path[0].startsWith('#')) path = ['note', 'labels', path[0].slice(1), ...path.slice(1)];
    else if (path[0].startsWith('~')) path = ['note', 'relations', path[0].slice(1), ...path.slice(1)];
    if (path[0] !== 'note') throw this.error('An order key must start with "note", "#label" or "~relation"', at);
    for (let k = 1; k < path.length; k++) {
      const el = path[k];
      if (el === 'labels') {
        if (k !== path.length - 2) throw this.error('note.labels.name must end the order key', at);
        k++;
      } else if (el === 'relations') {
        if (k >= path.length - 2) throw this.error('note.relations.name needs a property of the target after it', at);
        k++;
      } else if (isNoteProperty(el) || el === 'random') {
        if (k !== path.length - 1) throw this.error(`${el} must end the order key`, at);
      } else if (!ORDER_PATH_PROPS.has(el)) {
        throw this.error(`Unknown property "${el}" in the order key`, at);
      }
    }
    if (path.length < 2) throw this.error('An order key needs a property, e.g. note.title', at);
    return path;
  }
}
