// Splits a search query into tokens the way Trilium's search does: the query is lower-cased; leading words are
// full-text tokens until the first `#`, `~` or `note.` outside quotes, and everything from there is the expression.
// Quotes (' " `) make one token; a backslash escapes the next character; runs of operator characters
// (= * > < ! - + % ,) form their own tokens; `(`, `)` and `.` are tokens of their own in the expression.

export interface Token {
  /** Lower-cased text, quotes and escapes removed. */
  text: string;
  /** Offset of the token's first character in the query (of its opening quote when quoted). */
  start: number;
  /** Offset after its last character (after the closing quote). */
  end: number;
  quoted: boolean;
}

export interface LexResult {
  fulltext: Token[];
  expression: Token[];
}

const OPERATOR_CHARS = new Set(['=', '*', '>', '<', '!', '-', '+', '%', ',']);
const QUOTES = new Set(['"', "'", '`']);

export function lex(query: string): LexResult {
  const str = query.toLowerCase();
  const fulltext: Token[] = [];
  const expression: Token[] = [];
  let inExpression = false;
  let quote: string | null = null;
  let word = '';
  let wordStart = 0;

  const lastIsOperator = () => word.length > 0 && OPERATOR_CHARS.has(word[word.length - 1]);
  const finish = (end: number, keepEmpty = false) => {
    if (word === '' && !keepEmpty) return;
    const token: Token = { text: word, start: wordStart, end, quoted: quote !== null };
    (inExpression ? expression : fulltext).push(token);
    word = '';
  };
  const append = (chr: string, at: number) => {
    if (word === '') wordStart = at;
    word += chr;
  };

  for (let i = 0; i < str.length; i++) {
    const chr = str[i];
    if (chr === '\\') {
      if (i + 1 < str.length) append(str[++i], i - 1);
      else append(chr, i);
      continue;
    }
    if (QUOTES.has(chr)) {
      if (quote === null) {
        if (word.length === 0 || lastIsOperator()) {
          finish(i);
          quote = chr;
          wordStart = i;
        } else {
          append(chr, i); // a quote inside a word (d'Artagnan) is an ordinary character
        }
      } else if (quote === chr) {
        finish(i + 1, true);
        quote = null;
      } else {
        append(chr, i);
      }
      continue;
    }
    if (quote === null) {
      if (!inExpression && word === 'note' && chr === '.' && i + 1 < str.length) inExpression = true;
      if (chr === '#' || chr === '~') {
        if (inExpression) finish(i);
        else word = ''; // Trilium drops a word glued to the first `#`/`~` ("abc#x")
        inExpression = true;
        append(chr, i);
        continue;
      }
      if ((word === '#' || word === '~') && chr === '!') {
        append(chr, i);
        continue;
      }
      if (chr === ' ' || chr === '\t' || chr === '\n' || chr === '\r') {
        finish(i);
        continue;
      }
      if (inExpression && (chr === '(' || chr === ')' || chr === '.')) {
        finish(i);
        append(chr, i);
        finish(i + 1);
        continue;
      }
      if (inExpression && word !== '#!' && word !== '~!' && word.length > 0 && lastIsOperator() !== OPERATOR_CHARS.has(chr)) {
        finish(i);
        append(chr, i);
        continue;
      }
      if (chr === ',') continue;
    }
    append(chr, i);
  }
  finish(str.length); // an unterminated quote runs to the end of the query
  return { fulltext, expression };
}
