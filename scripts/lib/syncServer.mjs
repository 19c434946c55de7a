// The project's own demo sync server as a child process: node dist/server.js --data DIR --port 0 --password PW
// [--sample-notes]. It prints its URL on stdout once it listens.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, registerCleanup, stopProcessGroup } from './codeServer.mjs';

export const SERVER_BUNDLE = path.join(ROOT, 'dist', 'server.js');

/**
 * Starts dist/server.js on 127.0.0.1 with an OS-chosen port. Returns { url, password, dataDir, logFile, stop() }.
 * `extraArgs` are passed on (e.g. ['--uninitialised']).
 */
export async function startDemoSyncServer({ dataDir, password, sampleNotes = true, port = 0, extraArgs = [], logFile } = {}) {
  if (!fs.existsSync(SERVER_BUNDLE)) {
    throw new Error(`${path.relative(ROOT, SERVER_BUNDLE)} is missing: run node esbuild.mjs (it needs src/sync/server/main.ts)`);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const args = [SERVER_BUNDLE, '--data', dataDir, '--port', String(port), '--host', '127.0.0.1', '--password', password];
  if (sampleNotes) args.push('--sample-notes');
  args.push(...extraArgs);
  const log = fs.createWriteStream(logFile || path.join(dataDir, 'server.log'));
  const child = spawn(process.execPath, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => stopProcessGroup(child);
  registerCleanup(stop);
  child.stderr.on('data', (chunk) => log.write(chunk));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sync server printed no URL in 30 s; see ${log.path}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      log.write(chunk);
      out += chunk.toString();
      const match = /(https?:\/\/127\.0\.0\.1:\d+[^\s]*)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sync server exited (${code}) before listening; see ${log.path}`));
    });
  });
  return { url, password, dataDir, logFile: log.path, process: child, stop };
}
