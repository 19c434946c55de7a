// Typo-tolerant matching as Trilium 0.103's search does it in its second, fuzzy pass: a token of 4 or more characters
// matches a text that holds it, or a whitespace-separated word of the text within 2 edits (Levenshtein) of it.

export const MAX_EDIT_DISTANCE = 2;
/** Shorter tokens are never matched fuzzily in the flat text (titles, paths, attributes). */
export const MIN_FUZZY_MATCH_LENGTH = 4;
/** Shorter tokens get no fuzzy relevance score. */
export const MIN_FUZZY_SCORE_LENGTH = 3;

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Levenshtein distance of a and b, or max + 1 as soon as it must exceed max. */
export function editDistance(a: string, b: string, max = MAX_EDIT_DISTANCE): number {
  return editDistanceIn(a, b, 0, b.length, max);
}

/** editDistance(a, b.slice(from, to)) without the slice. */
function editDistanceIn(a: string, b: string, from: number, to: number, max: number): number {
  const la = a.length;
  const lb = to - from;
  if (la > 1000 || lb > 1000) return Math.abs(la - lb) <= max ? Math.abs(la - lb) : max + 1;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (rowA.length <= lb) { rowA = new Int32Array(lb + 1); rowB = new Int32Array(lb + 1); }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const sub = prev[j - 1] + (ca === b.charCodeAt(from + j - 1) ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      const v = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev; prev = cur; cur = t;
  }
  return prev[lb] <= max ? prev[lb] : max + 1;
}

/** Whether a and b (not equal) are one insertion, deletion or substitution apart; linear, no table. */
export function oneEditApart(a: string, b: string): boolean {
  let la = a.length;
  let lb = b.length;
  if (la < lb) { const t = a; a = b; b = t; la = a.length; lb = b.length; }
  if (la - lb > 1) return false;
  let i = 0;
  while (i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === lb) return la !== lb; // b is a prefix of a: one deletion (or they are equal)
  // the first difference: substitute (same length) or drop a's character
  let ia = i + 1;
  let ib = la === lb ? i + 1 : i;
  while (ib < lb && a.charCodeAt(ia) === b.charCodeAt(ib)) { ia++; ib++; }
  return ib === lb;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 160;

/**
 * Per query: whether a (normalized) text matches a token exactly or fuzzily, and the words that matched only fuzzily
 * (Trilium scores them as tokens too). Words are compared in place (no string per word: most are far off at once).
 */
export class FuzzyMatcher {
  /** Words matched fuzzily, in the order found (Trilium adds them to its highlighted tokens). */
  readonly matchedWords: string[] = [];

  /** Trilium's smartMatch: the text holds the token, or (tokens of 4+ characters) a word within 2 edits of it. */
  matches(text: string, token: string): boolean {
    if (text.includes(token)) return true;
    if (token.length < MIN_FUZZY_MATCH_LENGTH) return false;
    return this.fuzzyWord(text, token) !== null;
  }

  /** Per token: how often each ASCII character occurs in it (null: the token has other characters). */
  private readonly histograms = new Map<string, Int32Array | null>();
  private used = new Int32Array(16);

  /** The first word of the text within MAX_EDIT_DISTANCE of the token, or null. */
  private fuzzyWord(text: string, token: string): string | null {
    const tl = token.length;
    const n = text.length;
    let hist = this.histograms.get(token);
    if (hist === undefined) this.histograms.set(token, (hist = histogram(token)));
    let i = 0;
    while (i < n) {
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      const start = i;
      while (i < n && !isSpace(text.charCodeAt(i))) i++;
      const len = i - start;
      if (len === 0 || Math.abs(len - tl) > MAX_EDIT_DISTANCE) continue;
      if (hist && this.tooFewShared(hist, tl, text, start, i)) continue;
      if (editDistanceIn(token, text, start, i, MAX_EDIT_DISTANCE) <= MAX_EDIT_DISTANCE) {
        const word = text.slice(start, i);
        if (!this.matchedWords.includes(word)) this.matchedWords.push(word);
        return word;
      }
    }
    return null;
  }

  /**
   * Whether the word shares too few characters with the token (as multisets) to be within MAX_EDIT_DISTANCE: each
   * edit adds or removes at most one unshared character (a lower bound of the distance, cheaper than computing it).
   */
  private tooFewShared(hist: Int32Array, tokenLength: number, text: string, from: number, to: number): boolean {
    if (this.used.length < to - from) this.used = new Int32Array(to - from);
    let shared = 0;
    let k = 0;
    let ascii = true;
    for (let j = from; j < to; j++) {
      const c = text.charCodeAt(j);
      if (c >= 128) { ascii = false; break; }
      if (hist[c] > 0) { hist[c]--; this.used[k++] = c; shared++; }
    }
    while (k > 0) hist[this.used[--k]]++;
    return ascii && (to - from - shared > MAX_EDIT_DISTANCE || tokenLength - shared > MAX_EDIT_DISTANCE);
  }
}

function histogram(token: string): Int32Array | null {
  const h = new Int32Array(128);
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 128) return null;
    h[c]++;
  }
  return h;
}
