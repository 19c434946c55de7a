// Runs a bench file in the real extension host (scripts/run-exthost-tests.mjs) and collects the figures it prints
// as `BENCH {json}` lines; other output shows with VERBOSE=1.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Resolves to { code, figures } once the run ends. */
export function runExthostBench(runnerArgs, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'run-exthost-tests.mjs'), ...runnerArgs], {
      cwd: ROOT, env: { ...process.env, TRILIUM_BENCH: '1', ...env }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    const figures = [];
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /BENCH (\{.*\})/.exec(line);
        if (m) figures.push(JSON.parse(m[1]));
        else if (process.env.VERBOSE) process.stdout.write(line + '\n');
      }
    });
    child.on('exit', (code) => resolve({ code: code ?? 1, figures }));
  });
}
