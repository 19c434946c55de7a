// The npm `proxy` package is ESM with types behind "exports", which this project's CommonJS resolution skips.
declare module 'proxy' {
  import type * as http from 'node:http';
  export interface ProxyServer extends http.Server {
    authenticate?: ((req: http.IncomingMessage) => boolean | Promise<boolean>) | 'negotiate';
    localAddress?: string;
  }
  export function createProxy(server?: http.Server): ProxyServer;
}
