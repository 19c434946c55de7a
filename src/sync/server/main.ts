// The demo sync server as a process: node dist/server.js --data DIR [--port P] [--host H] --password PW
// [--sample-notes] [--uninitialised] [--sync-version N]. Prints its URL.
import { startSyncServer } from './syncServer';
import { addSampleNotes } from './sampleNotes';

function parse(argv: string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const [key, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) out[key] = inline;
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[key] = argv[++i];
    else out[key] = true;
  }
  return out;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  if (typeof args.data !== 'string') {
    process.stderr.write('usage: server --data DIR [--port P] [--host 127.0.0.1] [--password PW] [--sample-notes] [--uninitialised] [--sync-version N]\n');
    process.exit(2);
  }
  const password = typeof args.password === 'string' ? args.password : process.env.TRILIUM_PASSWORD;
  const log = (level: string) => (message: unknown) => process.stderr.write(`[${level}] ${String(message)}\n`);
  const server = await startSyncServer({
    dataDir: args.data,
    password,
    host: typeof args.host === 'string' ? args.host : '127.0.0.1',
    port: typeof args.port === 'string' ? Number(args.port) : 0,
    syncVersion: typeof args['sync-version'] === 'string' ? Number(args['sync-version']) : undefined,
    uninitialised: !!args.uninitialised,
    populate: args['sample-notes'] ? async (replica) => {
      await addSampleNotes(replica);
    } : undefined,
    logger: { info: log('info'), warn: log('warn'), error: log('error'), debug: () => undefined },
  });
  process.stdout.write(`${server.url}\n`);
  const stop = () => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
