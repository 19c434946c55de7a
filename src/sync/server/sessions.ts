// In-memory login sessions behind the rolling `trilium.sid` cookie (SYNC-PROTOCOL.md §2.4).
import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'trilium.sid';

interface Session {
  loggedIn: boolean;
  expiresAt: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly maxAgeMs = 24 * 3600 * 1000) {}

  /** The session named by the request's cookie, if it is still alive. */
  find(cookieHeader: string | undefined, now: number): { id: string; session: Session } | undefined {
    const id = readCookie(cookieHeader, SESSION_COOKIE);
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt < now) {
      this.sessions.delete(id);
      return undefined;
    }
    return { id, session };
  }

  /** A new logged-in session; the old one, if any, is dropped (the id changes on every login). */
  regenerate(oldId: string | undefined, now: number): string {
    if (oldId) this.sessions.delete(oldId);
    const id = randomBytes(24).toString('base64url');
    this.sessions.set(id, { loggedIn: true, expiresAt: now + this.maxAgeMs });
    return id;
  }

  /** Rolling: every response pushes the expiry forward and re-sends the cookie. */
  touch(id: string, now: number): string {
    const session = this.sessions.get(id);
    if (session) session.expiresAt = now + this.maxAgeMs;
    return `${SESSION_COOKIE}=${id}; Path=/; Expires=${new Date(now + this.maxAgeMs).toUTCString()}; HttpOnly; SameSite=Lax`;
  }

  clear(): void {
    this.sessions.clear();
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
