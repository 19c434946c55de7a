// Text notes are HTML. They open as Markdown only when HTML → Markdown → HTML gives the same HTML back
// (after normalizing differences that do not change what the note shows), so no formatting is ever lost.
import MarkdownIt from 'markdown-it';
import TurndownService from 'turndown';

const markdownIt = new MarkdownIt({ html: true, linkify: false, typographer: false, breaks: false });

function createTurndown(): TurndownService {
  const td = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '*',
    strongDelimiter: '**',
    hr: '---',
    linkStyle: 'inlined',
  });
  // Fenced code keeps the CKEditor language class (language-xyz) as the fence's info string.
  td.addRule('fencedCodeWithLanguage', {
    filter: (node) => node.nodeName === 'PRE' && node.firstChild?.nodeName === 'CODE',
    replacement: (_content, node) => {
      const code = node.firstChild as unknown as { getAttribute(n: string): string | null; textContent: string | null };
      const lang = /language-(\S+)/.exec(code.getAttribute('class') ?? '')?.[1] ?? '';
      const text = (code.textContent ?? '').replace(/\n$/, '');
      const fence = text.includes('```') ? '~~~~' : '```';
      return `\n\n${fence}${lang}\n${text}\n${fence}\n\n`;
    },
  });
  return td;
}

const turndown = createTurndown();

export function htmlToMarkdown(html: string): string {
  if (html.trim() === '') return '';
  return turndown.turndown(html) + '\n';
}

export function markdownToHtml(markdown: string): string {
  if (markdown.trim() === '') return '';
  return markdownIt.render(markdown).trimEnd();
}

/** Canonical form for comparing: differences here do not change what the note shows. */
export function normalizeHtml(html: string): string {
  const parts = html.split(/(<pre[\s>][\s\S]*?<\/pre>)/i);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return part.replace(/\n(<\/code><\/pre>)$/i, '$1');
      return part
        .replace(/&nbsp;/g, '\u00a0')
        .replace(/&quot;/g, '"')
        .replace(/&#39;|&#x27;|&apos;/g, "'")
        .replace(/<(\/?)i(\s|>)/gi, '<$1em$2')
        .replace(/<(\/?)b(\s|>)/gi, '<$1strong$2')
        .replace(/<br\s*\/?>\s*/gi, '<br>')
        .replace(/<hr\s*\/?>/gi, '<hr>')
        .replace(/\s*\/>/g, '>')
        .replace(/>\s+</g, '><')
        .replace(/[ \t\r\n]+/g, ' ')
        .trim();
    })
    .join('')
    .trim();
}

/** True when the note can be edited as Markdown without changing its HTML's meaning. */
export function roundTripsAsMarkdown(html: string): boolean {
  try {
    return normalizeHtml(markdownToHtml(htmlToMarkdown(html))) === normalizeHtml(html);
  } catch {
    return false;
  }
}
