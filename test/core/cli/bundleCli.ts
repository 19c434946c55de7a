// The CLI as it ships: bundled by esbuild with the replica's worker and the pull's fetch worker next to it (into a directory of the test's own,
// so a parallel build of dist/ is not disturbed). Returns the path of cli.js.
import { build } from 'esbuild';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

export async function bundleCli(outDir: string): Promise<string> {
  const common = {
    bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20',
    external: ['vscode', '@vscode/sqlite3'], nodePaths: [join(ROOT, 'node_modules')], logLevel: 'silent' as const,
  };
  await Promise.all([
    build({ ...common, entryPoints: [join(ROOT, 'src/cli.ts')], outfile: join(outDir, 'cli.js') }),
    build({ ...common, entryPoints: [join(ROOT, 'src/storage/worker/replicaWorker.ts')], outfile: join(outDir, 'replicaWorker.js') }),
    build({ ...common, entryPoints: [join(ROOT, 'src/sync/pull/fetchWorker.ts')], outfile: join(outDir, 'pullFetchWorker.js') }),
  ]);
  return join(outDir, 'cli.js');
}
