/**
 * The `pbxlab` command line: builds the command tree and runs it with injectable I/O, so tests run
 * commands in-process. Exit status 0 on success, 1 when a check fails, 2 on a usage error.
 * A command's module (and what it imports: the PBX, the scenario language ...) is loaded only
 * when that command runs, or for the help that lists them all: `pbxlab analyze` on a large
 * capture should not pay for loading the PBX.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError, processIO, type CliIO } from './io.js';

type Register = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

/** Top-level command names → the registration of their module (`sip` holds `sip lint`). */
const COMMANDS: Record<string, () => Promise<Register>> = {
  sip: async () => (await import('./commands/sip-lint.js')).registerSipLint,
  uas: async () => (await import('./commands/uas.js')).registerUas,
  uac: async () => (await import('./commands/uac.js')).registerUac,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  run: async () => (await import('./commands/scenarios.js')).registerScenarioCommands,
  analyze: async () => (await import('./commands/analyze.js')).registerAnalyze,
  replay: async () => (await import('./commands/replay.js')).registerReplay,
};
COMMANDS.validate = COMMANDS.run!;
COMMANDS.list = COMMANDS.run!;
COMMANDS.schema = COMMANDS.run!;

export const VERSION = '0.1.0';

export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number): void => {
    exitCode = Math.max(exitCode, code);
  };
  const program = new Command('pbxlab')
    .description('PBX simulator and SIP/RTP test harness')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const sip = program.command('sip').description('SIP message tools').exitOverride();
  const named = COMMANDS[argv[0] ?? ''];
  const needed = named !== undefined ? [named] : [...new Set(Object.values(COMMANDS))];
  for (const load of needed) {
    const register = await load();
    register(load === COMMANDS.sip ? sip : program, io, setExit);
  }
  for (const cmd of [program, sip, ...sip.commands, ...program.commands]) cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // 'commander.help' is the help shown for a missing subcommand: a usage error.
      const helpOrVersion = ['commander.helpDisplayed', 'commander.version'].includes(e.code);
      return helpOrVersion ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.stderr(`pbxlab: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  return exitCode;
}
