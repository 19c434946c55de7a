// TODAY, NOW, MONTH and YEAR in a search query (with `+ n` / `- n`): local dates in the formats Trilium compares
// them in (dateCreated and friends are local "YYYY-MM-DD HH:mm:ss.SSS±ZZZZ" strings, so a prefix compares right).

export const DATE_KEYWORDS = new Set(['now', 'today', 'month', 'year']);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function resolveDateKeyword(keyword: string, delta: number, now: Date): string {
  const d = new Date(now.getTime());
  switch (keyword) {
    case 'now':
      d.setSeconds(d.getSeconds() + delta);
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    case 'today':
      d.setDate(d.getDate() + delta);
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    case 'month': {
      const m = d.getFullYear() * 12 + d.getMonth() + delta;
      return `${Math.floor(m / 12)}-${pad((m % 12 + 12) % 12 + 1)}`;
    }
    case 'year':
      return String(d.getFullYear() + delta);
    default:
      throw new Error(`not a date keyword: ${keyword}`);
  }
}
