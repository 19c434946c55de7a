// VS Code's extension host installs its own Error.prepareStackTrace, so Node's source-map support does not apply to
// stacks printed there. This maps "bundle.js:LINE:COL" positions in forwarded lines back to the TypeScript sources,
// using the bundles' inline source maps.
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { ROOT } from './codeServer.mjs';

export function createStackMapper(bundleDir) {
  const maps = new Map();
  const escaped = bundleDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`${escaped}/([^\\s:()]+\\.js):(\\d+):(\\d+)`, 'g');

  function mapFor(file) {
    if (!maps.has(file)) {
      let map = null;
      try {
        const text = fs.readFileSync(file, 'utf8');
        const match = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(text);
        if (match) map = new SourceMap(JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')));
      } catch {
        map = null;
      }
      maps.set(file, map);
    }
    return maps.get(file);
  }

  return (line) =>
    line.replace(pattern, (whole, relative, lineText, columnText) => {
      const file = path.join(bundleDir, relative);
      const entry = mapFor(file)?.findEntry(Number(lineText) - 1, Number(columnText) - 1);
      if (!entry || !entry.originalSource) return whole;
      const source = entry.originalSource.startsWith('file://')
        ? new URL(entry.originalSource).pathname
        : path.resolve(path.dirname(file), entry.originalSource);
      return `${path.relative(ROOT, source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    });
}
