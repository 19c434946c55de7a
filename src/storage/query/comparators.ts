// Value comparisons of the search language. The compared value is lower-cased; `>`, `>=`, `<`, `<=` compare as
// numbers when the compared value is a number, as strings otherwise (dates compare as strings: "2026-05" < "2026-06-01").
import type { Operator } from './ast';
import { normalize } from './normalize';

export type Comparator = (value: string | undefined) => boolean;

const regexCache = new Map<string, RegExp>();

export function cachedRegex(source: string, flags = ''): RegExp {
  const key = `${flags}/${source}`;
  let r = regexCache.get(key);
  if (!r) {
    r = new RegExp(source, flags);
    regexCache.set(key, r);
  }
  return r;
}

export function buildComparator(op: Operator, compared: string): Comparator {
  const c = compared.toLowerCase();
  const numeric = c.trim() !== '' && !isNaN(+c);
  if (numeric && (op === '>' || op === '>=' || op === '<' || op === '<=')) {
    const n = parseFloat(c);
    switch (op) {
      case '>': return (v) => v !== undefined && parseFloat(v) > n;
      case '>=': return (v) => v !== undefined && parseFloat(v) >= n;
      case '<': return (v) => v !== undefined && parseFloat(v) < n;
      case '<=': return (v) => v !== undefined && parseFloat(v) <= n;
    }
  }
  switch (op) {
    case '=': return (v) => !!v && hasWordOrPhrase(v, c);
    case '!=': return (v) => !v || !hasWordOrPhrase(v, c);
    case '>': return (v) => v !== undefined && v > c;
    case '>=': return (v) => v !== undefined && v >= c;
    case '<': return (v) => v !== undefined && v < c;
    case '<=': return (v) => v !== undefined && v <= c;
    case '*=': return (v) => !!v && v.endsWith(c);
    case '=*': return (v) => !!v && v.startsWith(c);
    case '*=*': return (v) => !!v && v.includes(c);
    case '%=': {
      const re = cachedRegex(c);
      return (v) => !!v && re.test(v);
    }
  }
}

/**
 * Trilium 0.103's `=`: a compared value with a space is a phrase found anywhere in the value; one word must be one of
 * the value's whitespace-separated words (`#genre = fantasy` matches "dark fantasy", not "fantasyland"). Both sides
 * are compared case- and accent-insensitively.
 */
export function hasWordOrPhrase(value: string, compared: string): boolean {
  const v = normalize(value);
  const c = normalize(compared);
  if (c.includes(' ')) return v.includes(c);
  if (v === c) return true;
  return v.split(/\s+/).includes(c);
}

/** Validates a `%=` pattern early, so a bad regex is a syntax error and not a crash mid-search. */
export function regexError(pattern: string): string | null {
  try {
    new RegExp(pattern.toLowerCase());
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
