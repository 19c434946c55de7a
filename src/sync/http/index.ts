// The network layer's public surface for the sync engine, the CLI and the VS Code glue.
export { createTransport, DEFAULT_TIMEOUT_MS } from './transport';
export type { HttpRequest, HttpResponse, NetworkOptions, RouteInfo, Transport } from './transport';
export { buildNetworkOptions, networkOptionsFromCliFlags, timeoutFromSeconds } from './networkOptions';
export type { NetworkCliFlags, NetworkSettingsInput } from './networkOptions';
export { classifyHttpError, parseJsonResponse, htmlTitle, looksLikeHtml } from './httpErrors';
export type { HttpErrorContext } from './httpErrors';
export { fetchServerCertificate } from './serverCertificate';
export type { ServerCertificate } from './serverCertificate';
export { resolveProxy, matchesNoProxy } from './proxyResolver';
export { normalizeFingerprint } from './tlsMaterial';
