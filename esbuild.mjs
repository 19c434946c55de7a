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

// KaTeX's stylesheet and fonts for math in the previews (src/preview/mathTypeset.ts), next to the bundles. Webviews
// are Chromium, which takes the first font format listed (WOFF2): the .woff and .ttf copies stay out of the package.
function copyKatexAssets() {
  const from = 'node_modules/katex/dist';
  fs.mkdirSync('dist/katex/fonts', { recursive: true });
  const css = fs.readFileSync(`${from}/katex.min.css`, 'utf8').replace(/,url\(fonts\/[\w-]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)/g, '');
  if (/\.(?:woff|ttf)\)/.test(css)) throw new Error(`${from}/katex.min.css names fonts other than WOFF2 in a form esbuild.mjs does not know`);
  fs.writeFileSync('dist/katex/katex.min.css', css);
  for (const font of fs.readdirSync(`${from}/fonts`)) {
    if (font.endsWith('.woff2')) fs.copyFileSync(`${from}/fonts/${font}`, `dist/katex/fonts/${font}`);
  }
}

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // the replica's worker thread (src/storage/worker), found next to the bundle that starts it
  { ...common, entryPoints: ['src/storage/worker/replicaWorker.ts'], outfile: 'dist/replicaWorker.js' },
  // the pull's fetch worker thread (src/sync/pull), likewise
  { ...common, entryPoints: ['src/sync/pull/fetchWorker.ts'], outfile: 'dist/pullFetchWorker.js' },
  // the editor's conversion worker for text notes (src/markdown/worker), likewise
  { ...common, entryPoints: ['src/markdown/worker/converterWorker.ts'], outfile: 'dist/markdownWorker.js' },
];

// The demo sync server (`npm start`, e2e tests). Optional while it is being written: a failure is reported, not fatal.
const optional = [];
if (fs.existsSync('src/sync/server/main.ts')) {
  optional.push({ ...common, entryPoints: ['src/sync/server/main.ts'], outfile: 'dist/server.js', logLevel: 'silent' });
}

copyKatexAssets();

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
