// Where a worker thread's code is: the bundle next to the bundle that starts it (dist/), or its TypeScript source
// next to the module that starts it, run under tsx (tests, the CLI from source).
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export function workerEntry(dir: string, bundledName: string, sourceName: string): { file: string; eval: boolean } | undefined {
  const bundled = path.join(dir, bundledName);
  if (existsSync(bundled)) return { file: bundled, eval: false };
  const source = path.join(dir, sourceName);
  if (existsSync(source)) return { file: `require('tsx/cjs'); require(${JSON.stringify(source)});`, eval: true };
  return undefined;
}
