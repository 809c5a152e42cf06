/**
 * The `pbxlab` command line: builds the command tree and runs it with injectable I/O, so tests run
 * commands in-process. Exit status 0 on success, 1 when a check fails, 2 on a usage error.
 */
import { Command, CommanderError } from 'commander';
import { registerSipLint } from './commands/sip-lint.js';
import { registerUac } from './commands/uac.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerReplay } from './commands/replay.js';
import { registerServe } from './commands/serve.js';
import { registerScenarioCommands } from './commands/scenarios.js';
import { registerUas } from './commands/uas.js';
import { EXIT, UsageError, processIO, type CliIO } from './io.js';

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
  registerSipLint(sip, io, setExit);
  registerUas(program, io, setExit);
  registerUac(program, io, setExit);
  registerServe(program, io, setExit);
  registerScenarioCommands(program, io, setExit);
  registerAnalyze(program, io, setExit);
  registerReplay(program, io, setExit);
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
