// A name→value cookie jar (SYNC-PROTOCOL.md §2.4): every Set-Cookie updates it, foreign cookies are kept,
// attributes are dropped, and the Cookie header is sent as `a=b; c=d`.
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  update(setCookies: readonly string[]): void {
    for (const header of setCookies) {
      const pair = header.split(';', 1)[0];
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!name) continue;
      if (isExpiring(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  get size(): number {
    return this.cookies.size;
  }
}

function isExpiring(header: string): boolean {
  const attributes = header.split(';').slice(1).map((a) => a.trim().toLowerCase());
  for (const attribute of attributes) {
    if (attribute === 'max-age=0' || /^max-age=-\d+$/.test(attribute)) return true;
    if (attribute.startsWith('expires=')) {
      const time = Date.parse(attribute.slice('expires='.length));
      if (!Number.isNaN(time) && time < Date.now()) return true;
    }
  }
  return false;
}
