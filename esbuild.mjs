// Bundles the extension and the headless CLI into dist/. Native and VS Code modules stay external.
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  external: ['vscode', '@vscode/sqlite3'],
  logLevel: 'info',
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // the replica's worker thread (src/storage/worker), found next to the bundle that starts it
  { ...common, entryPoints: ['src/storage/worker/replicaWorker.ts'], outfile: 'dist/replicaWorker.js' },
];

// The demo sync server (`npm start`, e2e tests). Optional while it is being written: a failure is reported, not fatal.
const optional = [];
if (fs.existsSync('src/sync/server/main.ts')) {
  optional.push({ ...common, entryPoints: ['src/sync/server/main.ts'], outfile: 'dist/server.js', logLevel: 'silent' });
}

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all([
    ...builds.map((options) => esbuild.build(options)),
    ...optional.map((options) =>
      esbuild.build(options).catch((error) => {
        const first = error.errors?.[0];
        const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
        console.warn(`warning: ${options.outfile} not built: ${where}${first?.text ?? error.message}`);
      }),
    ),
  ]);
}
