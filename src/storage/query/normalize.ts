// Trilium compares text case- and accent-insensitively: both sides lower-cased with diacritics removed.

export function normalize(text: string | null | undefined): string {
  if (!text) return '';
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

const INLINE_TAGS = /^(b|strong|em|i|span|big|small|font|sub|sup)$/i;

/**
 * Content of a note as Trilium's content search sees it (normalized). HTML of text notes below 20,000 characters is
 * reduced to text: block tags become a space, inline formatting tags vanish without one (`<b>wo</b>rd` stays one word),
 * opening link tags stay so their URLs can be found; larger notes are searched as raw HTML, as Trilium does.
 */
export function searchableContent(content: string, type: string, mime: string, raw = false): string {
  let text = normalize(content);
  if (type === 'text' && mime === 'text/html') {
    if (!raw && text.length < 20000) {
      text = text
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/<(\/?)([a-z][a-z0-9-]*)(?:[^>"']|"[^"]*"|'[^']*')*>/g, (whole, close: string, tag: string) => {
          if (tag === 'a') return close ? '' : whole;
          return INLINE_TAGS.test(tag) ? '' : ' ';
        });
    }
    text = text.replace(/&nbsp;/g, ' ');
  }
  return text.trim();
}
