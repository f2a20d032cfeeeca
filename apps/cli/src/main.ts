// The `spillway` command. commander parses the command line (subcommands, typed options, help
// and usage errors); each command gets a Ctx with the typed client and returns its exit code:
// 0 success, 1 any error (the API's code, message and field paths on stderr), and for
// `plan --detailed-exitcode` 2 when there are changes.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createApi } from './client.js';
import type { Ctx, Io } from './context.js';
import { CliError } from './errors.js';
import { FORMATS, type Format } from './output.js';
import { resolveSettings } from './settings.js';
import { colorWanted, makeStyle } from './style.js';
import { applyCommand, exportCommand, planCommand } from './commands/config.js';
import { eventsCommand } from './commands/events.js';
import { deleteCommand, getCommand } from './commands/objects.js';
import { agentsCommand, describeCommand, statusCommand } from './commands/status.js';
import { tokenCreate, tokenList, tokenRevoke } from './commands/tokens.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface GlobalOptions {
  url?: string;
  token?: string;
  output?: Format;
  color: boolean;
}

const positive =
  (what: string) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive number`);
    return n;
  };
const count = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new InvalidArgumentError('must be an integer from 0 to 1000');
  return n;
};

/** Prints a CliError the way every command reports failures; returns exit code 1. */
export function report(err: unknown, io: Io, format: Format | undefined, colorFlag = true): number {
  const st = makeStyle(colorWanted(io.stderr, io.env, colorFlag));
  if (!(err instanceof CliError)) {
    io.stderr.write(`${st.red('error')}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
  if (format === 'json') {
    io.stderr.write(
      `${JSON.stringify({ ...(err.status === undefined ? {} : { statusCode: err.status }), code: err.code, message: err.message, details: err.details })}\n`,
    );
    return 1;
  }
  io.stderr.write(
    `${st.red('error')}: ${err.message}\n  ${st.dim('code')} ${err.code}${err.status === undefined ? '' : ` ${st.dim('(HTTP')} ${err.status}${st.dim(')')}`}\n`,
  );
  for (const d of err.details) io.stderr.write(`  ${st.bold(d.path || '/')}: ${d.message}\n`);
  return 1;
}

export async function main(
  argv: string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
): Promise<number> {
  const controller = new AbortController();
  let handlesInterrupt = false;
  const onSignal = (): void => {
    if (handlesInterrupt && !controller.signal.aborted) controller.abort();
    else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `spillway … | head` closes stdout early: that is not an error.
  if (io.stdout === process.stdout)
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
    });

  let code = 0;
  let globals: GlobalOptions = { color: true };
  const program = new Command('spillway')
    .description('Operate a Spillway control plane: plan and apply configuration, watch status and events.')
    .version(VERSION, '-V, --version')
    .addOption(new Option('--url <url>', 'control plane URL (env SPILLWAY_URL, config file url; default http://127.0.0.1:3000)'))
    .addOption(new Option('--token <token>', 'API token (env SPILLWAY_TOKEN, config file token)'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(FORMATS as string[]))
    .option('--no-color', 'no colour (also: NO_COLOR set, or output not a terminal)')
    .showHelpAfterError('(run spillway --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const run =
    (fn: (ctx: Ctx, ...args: never[]) => Promise<number>, interruptible = false) =>
    async (...args: unknown[]): Promise<void> => {
      globals = program.opts<GlobalOptions>();
      const settings = resolveSettings(
        { ...(globals.url === undefined ? {} : { url: globals.url }), ...(globals.token === undefined ? {} : { token: globals.token }) },
        io.env,
      );
      handlesInterrupt = interruptible;
      const ctx: Ctx = {
        api: createApi(settings),
        settings,
        format: globals.output ?? 'table',
        explicitFormat: globals.output !== undefined,
        io,
        style: makeStyle(colorWanted(io.stdout, io.env, globals.color)),
        errStyle: makeStyle(colorWanted(io.stderr, io.env, globals.color)),
        out: (s) => {
          io.stdout.write(s);
        },
        err: (s) => {
          io.stderr.write(s);
        },
        signal: controller.signal,
      };
      // commander passes the positional arguments, then the command's options, then the command.
      code = await (fn as (ctx: Ctx, ...a: unknown[]) => Promise<number>)(ctx, ...args.slice(0, -1));
    };

  program
    .command('plan')
    .description('show what applying a configuration file would change (nothing is written)')
    .requiredOption('-f, --file <file>', 'configuration file (.yaml, .yml or .json; - for stdin)')
    .option('--prune', 'also delete objects the file does not name')
    .option('--detailed-exitcode', 'exit 0 when nothing would change, 2 when something would, 1 on error')
    .action(run((ctx, opts: { file: string; prune?: boolean; detailedExitcode?: boolean }) => planCommand(ctx, opts)));

  program
    .command('apply')
    .description('apply a configuration file: plan, confirm, write with If-Match, wait for the agents')
    .requiredOption('-f, --file <file>', 'configuration file (.yaml, .yml or .json; - for stdin)')
    .option('--prune', 'also delete objects the file does not name')
    .option('-y, --yes', 'apply without asking (required when not on a terminal)')
    .option('--no-wait', 'do not wait for the agents to apply the new version')
    .option('--timeout <seconds>', 'how long to wait for the agents', positive('--timeout'), 60)
    .action(run((ctx, opts: { file: string; prune?: boolean; yes?: boolean; wait?: boolean; timeout?: number }) => applyCommand(ctx, opts), true));

  program
    .command('export')
    .description('print the whole configuration as one document that apply takes back unchanged')
    .addOption(new Option('--format <format>', 'document format (default yaml)').choices(['yaml', 'json']))
    .action(run((ctx, opts: { format?: string }) => exportCommand(ctx, opts)));

  program
    .command('get')
    .description('list objects of a kind, or show one: vserver, service, monitor, agent, api-token, agent-token')
    .argument('<kind>')
    .argument('[name]')
    .action(run((ctx, kind: string, name: string | undefined) => getCommand(ctx, kind, name)));

  program
    .command('describe')
    .description('a vserver in words: limit and its derivation, who is spilling, chain, services')
    .argument('<kind>', 'vserver')
    .argument('<name>')
    .action(run((ctx, kind: string, name: string) => describeCommand(ctx, kind, name)));

  program
    .command('status')
    .description('every vserver: state, spilling, active connections against the limit, spillovers, health, bandwidth')
    .option('-w, --watch', 'refresh until interrupted')
    .option('--interval <seconds>', 'refresh period with --watch', positive('--interval'), 2)
    .action(run((ctx, opts: { watch?: boolean; interval?: number }) => statusCommand(ctx, opts), true));

  program
    .command('events')
    .description('recent events; --follow streams new ones as they happen')
    .option('-f, --follow', 'keep streaming new events until interrupted')
    .option('--kind <kind>', 'only this kind (a prefix when it ends with a dot, e.g. vserver.)')
    .option('--object <kind/name>', 'only events of this object, e.g. vserver/web')
    .option('--limit <n>', 'how many recent events to show first', count, 20)
    .action(run((ctx, opts: { follow?: boolean; kind?: string; object?: string; limit?: number }) => eventsCommand(ctx, opts), true));

  program
    .command('agents')
    .description('agents: connected, applied and desired config version, workers, heartbeat')
    .action(run((ctx) => agentsCommand(ctx)));

  program
    .command('delete')
    .description('delete one object (refused while something references it)')
    .argument('<kind>')
    .argument('<name>')
    .action(run((ctx, kind: string, name: string) => deleteCommand(ctx, kind, name)));

  const token = program.command('token').description('API tokens and agent tokens');
  token
    .command('create')
    .description('create an API token (or with --agent an agent token); prints its secret once')
    .argument('<name>')
    .addOption(new Option('--role <role>', 'API token role (default reader)').choices(['admin', 'reader']))
    .option('--agent [agent]', 'create an agent token for this agent (default: the token name)')
    .option('--service <service>', "create a service token: the service's backends push feedback with it (POST /v1/services/{name}/feedback), nothing else")
    .action(run((ctx, name: string, opts: { role?: string; agent?: string | boolean; service?: string }) => tokenCreate(ctx, name, opts)));
  token
    .command('list')
    .description('API and agent tokens (never their secrets)')
    .action(run((ctx) => tokenList(ctx)));
  token
    .command('revoke')
    .description('revoke an API token (or with --agent an agent token)')
    .argument('<name>')
    .option('--agent', 'the name is an agent token')
    .option('--service', 'the name is a service token')
    .action(run((ctx, name: string, opts: { agent?: boolean; service?: boolean }) => tokenRevoke(ctx, name, opts)));
  for (const c of [...program.commands, ...token.commands])
    c.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    return report(err, io, globals.output, globals.color);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
