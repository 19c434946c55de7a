// Headless entry: the same core as the extension, without VS Code (`trilium-sync`).
import { HELP, parseArgs, rejectUnknownOptions } from './cli/args';
import { COMMANDS } from './cli/commands';
import { TriliumError, isTriliumError } from './sync/errors';
import type { Logger } from './sync/logger';

export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let json = argv.includes('--json');
  try {
    const args = parseArgs(argv);
    json = args.switches.has('json');
    if (args.switches.has('help') || !args.command || args.command === 'help') {
      process.stdout.write(HELP);
      return args.command || args.switches.has('help') ? 0 : 2;
    }
    rejectUnknownOptions(args);
    const command = COMMANDS[args.command];
    if (!command) {
      throw new TriliumError('INVALID_OPERATION', `Unknown command "${args.command}".`, 'Run `trilium-sync --help` for the list of commands.');
    }
    const verbose = args.switches.has('verbose');
    const write = (level: string) => (message: unknown) => process.stderr.write(`[${level}] ${message instanceof Error ? message.message : String(message)}\n`);
    const logger: Logger = {
      info: verbose ? write('info') : () => undefined,
      warn: write('warn'),
      error: write('error'),
      debug: verbose ? write('debug') : () => undefined,
    };
    const showProgress = !json && process.stderr.isTTY;
    const output = await command({
      args, env, logger,
      progress: (p) => {
        if (showProgress) {
          process.stderr.write(`\r${p.phase}: pulled ${p.pulled}, pushed ${p.pushed}${p.outstandingPullCount !== null ? `, ${p.outstandingPullCount} to go` : ''}, ${Math.round(p.rate)}/s   `);
        }
      },
    });
    if (showProgress) process.stderr.write('\r\x1b[K');
    if (json) process.stdout.write(JSON.stringify(output.json, null, 2) + '\n');
    else process.stdout.write(output.text);
    return output.exitCode ?? 0;
  } catch (e) {
    const error = isTriliumError(e)
      ? e
      : new TriliumError('PROTOCOL', e instanceof Error ? e.message : String(e), 'Run again with --verbose for details.');
    if (json) process.stdout.write(JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint } }, null, 2) + '\n');
    process.stderr.write(`trilium-sync: ${error.userMessage}\n`);
    return error.code === 'INVALID_OPERATION' ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    // Exit once stdout is flushed, without waiting for idle keep-alive sockets.
    process.stdout.write('', () => process.exit(code));
  });
}
