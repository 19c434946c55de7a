// Command-line parsing for trilium-sync: positional arguments and `--flag value` / `--flag=value` / `--switch`.
import { TriliumError } from '../sync/errors';
import type { NetworkOptions } from '../sync/http/transport';

export const SWITCHES = new Set(['json', 'verbose', 'help', 'unlock', 'protected', 'markdown']);

export interface ParsedArgs {
  command: string | undefined;
  positional: string[];
  flags: Record<string, string>;
  switches: Set<string>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      if (SWITCHES.has(name)) {
        switches.add(name);
      } else if (eq > 0) {
        flags[name] = arg.slice(eq + 1);
      } else {
        if (i + 1 >= argv.length) throw usage(`--${name} needs a value.`);
        flags[name] = argv[++i];
      }
    } else if (arg === '-h') {
      switches.add('help');
    } else {
      positional.push(arg);
    }
  }
  return { command: positional.shift(), positional, flags, switches };
}

const GLOBAL_OPTIONS = ['data', 'json', 'verbose', 'help'];
const NETWORK_OPTIONS = ['server', 'proxy', 'ca', 'cert', 'key', 'pfx', 'pin-sha256', 'timeout'];

/** The options each command knows besides the global ones; anything else is a usage error. */
export const COMMAND_OPTIONS: Record<string, string[]> = {
  init: ['sync-version'], setup: NETWORK_OPTIONS, 'push-to': NETWORK_OPTIONS, sync: NETWORK_OPTIONS, test: NETWORK_OPTIONS,
  status: [], tree: ['depth', 'unlock'], cat: ['unlock', 'markdown'], create: ['parent', 'title', 'type', 'mime', 'content-file', 'protected', 'unlock'],
  write: ['content-file', 'base', 'unlock'], rename: ['unlock'], move: ['parent', 'from'], delete: [], revisions: ['unlock'], verify: ['unlock'],
  conflicts: ['all'], search: ['limit', 'ancestor', 'unlock'], today: ['date', 'unlock'], 'set-password': [], 'change-password': [], protect: ['unlock'], unprotect: ['unlock'],
  convert: ['to'],
};

/** Rejects options the command does not know (a command missing from COMMAND_OPTIONS is not checked). */
export function rejectUnknownOptions(args: ParsedArgs): void {
  const known = args.command ? COMMAND_OPTIONS[args.command] : undefined;
  if (!known) return;
  for (const name of [...Object.keys(args.flags), ...args.switches]) {
    if (!GLOBAL_OPTIONS.includes(name) && !known.includes(name)) {
      throw usage(`\`${args.command}\` does not take --${name}.${known.length ? ` It takes: ${known.map((k) => `--${k}`).join(', ')}.` : ''}`);
    }
  }
}

export function usage(message: string): TriliumError {
  return new TriliumError('INVALID_OPERATION', message, 'Run `trilium-sync --help` for the list of commands.');
}

/** --proxy, --ca, --cert, --key, --pfx, --pin-sha256, --timeout (seconds) → NetworkOptions. */
export function networkOptionsFrom(flags: Record<string, string>, env: Record<string, string | undefined>): NetworkOptions {
  const options: NetworkOptions = { env };
  if (flags.proxy) options.proxy = flags.proxy;
  if (flags.ca) options.caFile = flags.ca;
  if (flags.cert) options.certFile = flags.cert;
  if (flags.key) options.keyFile = flags.key;
  if (flags.pfx) options.pfxFile = flags.pfx;
  if (env.TRILIUM_PFX_PASSPHRASE) options.passphrase = env.TRILIUM_PFX_PASSPHRASE;
  if (flags['pin-sha256']) options.pinnedSha256 = flags['pin-sha256'];
  if (flags.timeout) {
    const seconds = Number(flags.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0) throw usage('--timeout takes a number of seconds.');
    options.timeoutMs = Math.round(seconds * 1000);
  }
  return options;
}

export function requireFlag(flags: Record<string, string>, name: string): string {
  const value = flags[name];
  if (!value) throw usage(`--${name} is required.`);
  return value;
}

export function requirePositional(positional: string[], index: number, what: string): string {
  const value = positional[index];
  if (!value) throw usage(`${what} is required.`);
  return value;
}

export const HELP = `trilium-sync: a headless Trilium Notes sync client (the same core as the VS Code extension)

Usage: trilium-sync COMMAND --data DIR [--json] [options]

  init                                   create a new local document
  setup --server URL                     set up the replica from a sync server (sync from server)
  push-to --server URL                   give this document to an uninitialised server
  sync [--server URL]                    sync until converged; prints pulled/pushed and the hash check
                                         (one sync at a time per replica: waits for the one running)
  test [--server URL]                    Test Sync: status, version, seed, login
  status                                 document id, server, sync version, counts, cursors, pending changes
  tree [NOTE_ID] [--depth N] [--unlock]  print the note tree (default: root, depth 3)
  cat NOTE_ID [--unlock] [--markdown]    print a note's content (--markdown: a text note as it opens in VS Code)
  create --parent NOTE_ID --title T [--type T --mime M] [--content-file F] [--protected]   prints the new noteId
  write NOTE_ID --content-file F [--base BLOB_ID]   replace a note's content; text changed since --base (the
                                         blobId that cat --json printed) is kept as a revision, a conflict
  rename NOTE_ID TITLE [--unlock]        rename a note
  move NOTE_ID --parent NOTE_ID          move a note to another parent
  delete NOTE_ID                         delete a note
  revisions NOTE_ID [--unlock]           list a note's revisions
  set-password                           give a local document its password (TRILIUM_PASSWORD) for protected notes
  change-password                        change the document password from TRILIUM_PASSWORD to TRILIUM_NEW_PASSWORD
  protect NOTE_ID / unprotect NOTE_ID    encrypt / decrypt a note and its subtree (needs TRILIUM_PASSWORD)
  verify [--unlock]                      recompute every entity hash and report mismatches
  conflicts                              list sync conflicts
  convert --to markdown|html FILE        note HTML → Markdown, or Markdown → note HTML (FILE - reads stdin; no --data)
  search QUERY [--limit N] [--ancestor NOTE_ID] [--unlock]   Trilium search language (e.g. "#book #year >=
                                         1950 orderBy note.title"); prints matching note ids and paths; with
                                         --unlock protected notes' titles and contents are searched too
  today [--date YYYY-MM-DD]              find or create the day note in Trilium's calendar; prints its id

The password comes from the environment variable TRILIUM_PASSWORD, never from an argument.
Protected notes: --unlock opens a protected session with the document password (TRILIUM_PASSWORD) for that
command; without it their titles show as [protected] and cat of one fails. create --protected, protect and
unprotect unlock by themselves.
Network: --proxy URL|none, --ca FILE, --cert FILE, --key FILE, --pfx FILE (passphrase in TRILIUM_PFX_PASSPHRASE),
--pin-sha256 FINGERPRINT, --timeout SECONDS (default 120). --verbose logs to stderr.
The replica is one SQLite file, DIR/document.db.
`;
