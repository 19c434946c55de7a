// HTTP answers that are not Trilium's: an HTML page from a reverse proxy or login portal, a body-size limit, a
// session cookie lost between login and the next request. The sync engine maps Trilium's own answers itself and
// calls these for the rest.
import { TriliumError } from '../errors';
import type { HttpResponse } from './transport';

export interface HttpErrorContext {
  /** What the request was for, in words ("the login", "pulling changes"). */
  what?: string;
  /** The request is the first after a successful login in this round (so a lost session means a lost cookie). */
  afterLogin?: boolean;
  /** Size of the request body, to say how large a refused body was. */
  requestBytes?: number;
}

/** The network-level error this response represents, or undefined when it is Trilium's own answer (or success). */
export function classifyHttpError(res: HttpResponse, ctx: HttpErrorContext = {}): TriliumError | undefined {
  const what = ctx.what ? ` for ${ctx.what}` : '';
  if (res.status === 413) {
    return new TriliumError('BODY_TOO_LARGE',
      `The server or a reverse proxy in front of it refused a ${formatBytes(ctx.requestBytes ?? NaN)}request body as too large (HTTP 413${what}).`,
      'The sync retries with smaller pages; to avoid it, raise the proxy\'s body limit (nginx: client_max_body_size).');
  }
  if (res.status === 400 || res.status === 495 || res.status === 496) {
    // nginx's ssl_verify_client answers these as HTTP 400 pages rather than TLS alerts.
    const text = res.body.subarray(0, 1024).toString('utf8');
    if (/No required SSL certificate was sent|SSL certificate error|certificate (is )?required/i.test(text)) {
      return new TriliumError('TLS_CLIENT_CERTIFICATE',
        `The server's proxy requires a client certificate it accepts (HTTP ${res.status}: ${htmlTitle(res.body) ?? text.trim().slice(0, 80)}${what}).`,
        'Set trilium.sync.certFile and trilium.sync.keyFile (PEM), or trilium.sync.pfxFile (PKCS#12), to a certificate the server trusts.');
    }
  }
  if (res.status === 407) {
    return new TriliumError('PROXY_AUTH_REQUIRED', `A proxy requires authentication (HTTP 407${what}).`,
      'Put the user name and password in the proxy URL (trilium.sync.proxy or http.proxy: http://user:password@host:port), or set http.proxyAuthorization.');
  }
  if (res.status === 401 && /Logged in session not found/i.test(res.body.subarray(0, 200).toString('utf8'))) {
    return new TriliumError('SESSION_LOST',
      ctx.afterLogin === false
        ? `The server no longer knows our login session (401 Logged in session not found${what}).`
        : `The login succeeded, but the next request${what} arrived without its session (401 Logged in session not found): ` +
          'something between VS Code and the server drops the session cookie.',
      'A reverse proxy is probably stripping the Set-Cookie or Cookie header, or the URL reaches a different backend; ' +
      'let trilium.sid pass through the proxy (and check the sync server URL has no extra path).');
  }
  if (looksLikeHtml(res)) return notJson(res, ctx);
  return undefined;
}

/** Parses a JSON answer; a non-2xx or non-JSON answer becomes a TriliumError saying what came back instead. */
export function parseJsonResponse<T = unknown>(res: HttpResponse, what: string, ctx: Omit<HttpErrorContext, 'what'> = {}): T {
  const classified = classifyHttpError(res, { ...ctx, what });
  if (classified) throw classified;
  if (res.status < 200 || res.status >= 300) {
    const text = res.body.subarray(0, 300).toString('utf8').trim();
    throw new TriliumError(res.status >= 500 ? 'SERVER_ERROR' : 'HTTP_ERROR',
      `The server answered HTTP ${res.status} ${res.statusText} for ${what}${text ? `: ${text}` : ''}.`,
      res.status >= 500 ? 'Check the server log; the sync will be retried.' : 'Check the sync server URL and that it is a Trilium server.');
  }
  try {
    return JSON.parse(res.body.toString('utf8')) as T;
  } catch {
    throw notJson(res, { what });
  }
}

export function looksLikeHtml(res: HttpResponse): boolean {
  if ((res.headers['content-type'] ?? '').toLowerCase().includes('text/html')) return true;
  return /^\s*(<!doctype html|<html|<head|<body|<title)/i.test(res.body.subarray(0, 512).toString('utf8'));
}

/** The <title> of an HTML page, from its first 4 KB. */
export function htmlTitle(body: Buffer): string | undefined {
  const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body.subarray(0, 4096).toString('utf8'));
  const title = m?.[1].replace(/\s+/g, ' ').trim();
  return title ? decodeEntities(title).slice(0, 120) : undefined;
}

function notJson(res: HttpResponse, ctx: HttpErrorContext): TriliumError {
  const what = ctx.what ? ` for ${ctx.what}` : '';
  if (looksLikeHtml(res)) {
    const title = htmlTitle(res.body);
    return new TriliumError('NOT_JSON',
      `The server answered${what} with an HTML page${title ? ` titled "${title}"` : ''} (HTTP ${res.status}) instead of Trilium's JSON: ` +
      'a reverse proxy, login portal or captive portal answered instead of the Trilium server.',
      'Check the sync server URL, and let /api/ requests through the proxy\'s login (or sign in to the portal first).');
  }
  const start = res.body.subarray(0, 80).toString('utf8').replace(/\s+/g, ' ').trim();
  return new TriliumError('NOT_JSON',
    `The server's answer${what} is not JSON (HTTP ${res.status}, ${res.headers['content-type'] ?? 'no content type'}${start ? `, starting "${start}"` : ', empty'}).`,
    'Check that the sync server URL points at a Trilium server and not at another service.');
}

function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '';
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB ` : `${Math.ceil(n / 1024)} KB `;
}

function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', middot: '·', raquo: '»', laquo: '«' };
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return named[e.toLowerCase()] ?? all;
  });
}
