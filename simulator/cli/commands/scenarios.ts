/**
 * The scenario commands: `pbxlab run [FILES|DIRS...]` runs scenarios (virtual time by default,
 * `--real` on loopback sockets) and writes the reports; `pbxlab validate FILES...` loads them and
 * prints every error with file:line:column; `pbxlab list` prints the scenarios with their tags;
 * `pbxlab schema` prints the JSON Schema of the format. Nothing runs when any file has an error.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { formatIssue } from '../../config/index.js';
import type { SipDestination } from '../../engine/sip/transport/index.js';
import { writeRunReport } from '../../report/index.js';
import { findScenarioFiles, formatDuration, loadScenarios, scenarioJsonSchema, withTags, type Scenario, type ScenarioResult, type LoadSummary } from '../../scenario/index.js';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { positiveNumber, transportSpec } from '../real-agent.js';
import { defaultJobs, runPool } from '../scenario-pool.js';
import { runProgress } from '../run-progress.js';
import { openTlsKeylog } from '../tls-keylog.js';

const DEFAULT_PATHS = ['scenarios'];

interface RunCommandOptions {
  real?: boolean;
  device?: SipDestination;
  seed?: number;
  tags?: string;
  report: string;
  jobs?: number;
  tlsKeylog?: string;
  baseline?: string;
  maxRegression: number;
}

const tagList = (text: string | undefined): string[] => (text ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');

/** Loads the scenarios under `paths`; prints every error and returns undefined when there is one. */
function load(paths: readonly string[], io: CliIO): Scenario[] | undefined {
  const files = findScenarioFiles(paths.length > 0 ? paths : DEFAULT_PATHS);
  if (files.length === 0) throw new UsageError(`no scenario files (*.yaml) under ${paths.join(' ') || DEFAULT_PATHS.join(' ')}`);
  const { scenarios, issues } = loadScenarios(files);
  if (issues.length === 0) return scenarios;
  for (const i of issues) io.stderr(`${formatIssue(i)}\n`);
  const bad = new Set(issues.map((i) => i.file)).size;
  io.stderr(`pbxlab: ${issues.length} error${issues.length === 1 ? '' : 's'} in ${bad} file${bad === 1 ? '' : 's'}; nothing was run\n`);
  return undefined;
}

export function registerScenarioCommands(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run YAML scenarios (default: everything under scenarios/) and write the reports; exit 0 only when all pass')
    .argument('[paths...]', 'scenario files or folders')
    .option('--real', 'run on loopback sockets with the real clock instead of virtual time')
    .option('--device <spec>', 'run against this device under test (udp:HOST:PORT, tcp:..., tls:...) instead of the simulated PBX; needs --real', transportSpec('--device'))
    .option('--seed <n>', "seed for every scenario (default: each scenario's own, else 1)", positiveNumber('--seed', true))
    .option('--tags <t1,t2>', 'only scenarios with one of these tags')
    .option('--report <dir>', 'where the reports go', 'reports/run')
    .option('--jobs <n>', 'scenarios run at once (default: the number of CPUs; 1 against a device)', positiveNumber('--jobs', true))
    .option('--tls-keylog <file>', 'with --real: append the TLS session secrets here (NSS key log format, for Wireshark and tshark)')
    .option('--baseline <file>', "load scenarios: a previous run's load-summary.json; each figure may be worse by at most --max-regression")
    .option('--max-regression <percent>', 'how much worse than the baseline a figure may be', percentOption('--max-regression'), 0.1)
    .action(async (paths: string[], options: RunCommandOptions) => {
      const loaded = load(paths, io);
      if (loaded === undefined) return setExit(EXIT.failed);
      const tagged = withTags(loaded, tagList(options.tags));
      if (tagged.length === 0) throw new UsageError(`no scenario has a tag of ${options.tags ?? ''}`);
      // In virtual time a scenario against a real device cannot run: it is left out, saying so.
      const scenarios = options.real === true ? tagged : tagged.filter((s) => s.world.device === undefined);
      for (const s of tagged.filter((t) => !scenarios.includes(t))) io.stdout(`SKIP  ${s.file}  ${s.name}: world.device is a real device, run with --real\n`);
      if (scenarios.length === 0) throw new UsageError(`${tagged.map((s) => s.file).join(', ')}: world.device is a real device: run with --real`);
      if (options.real !== true) {
        if (options.device !== undefined) throw new UsageError('--device needs --real: a real device is reached on sockets');
        if (options.tlsKeylog !== undefined) throw new UsageError('--tls-keylog needs --real: a run in virtual time has no TLS sessions');
      }
      // Opened once here so that an unusable path is a usage error before anything runs.
      if (options.tlsKeylog !== undefined) openTlsKeylog(options.tlsKeylog, () => undefined).close();
      const progress = runProgress(io, scenarios.length);
      const wallStart = performance.now();
      const results = await runPool(scenarios, {
        // Scenarios against one device share its users and registrations: one at a time unless told.
        jobs: Math.max(1, options.jobs ?? (options.device !== undefined || scenarios.some((s) => s.world.device !== undefined) ? 1 : defaultJobs())),
        mode: options.real === true ? 'real' : 'virtual',
        ...(options.seed !== undefined && { seed: options.seed }),
        ...(options.device !== undefined && { device: options.device }),
        ...(options.tlsKeylog !== undefined && { tlsKeylog: options.tlsKeylog, onKeylogError: (message: string) => io.stderr(`pbxlab: ${message}\n`) }),
        ...(options.baseline !== undefined && { baseline: { summaries: readBaseline(options.baseline), maxRegression: options.maxRegression } }),
        onResult: (r) => progress.done(r),
        onLoadProgress: (p) => progress.load(p),
      });
      progress.stop();
      writeRunReport(options.report, results);
      io.stdout(summary(results, performance.now() - wallStart, `${options.report}/index.html`));
      setExit(results.every((r) => r.outcome === 'passed') ? EXIT.ok : EXIT.failed);
    });

  program
    .command('validate')
    .description('check scenario files without running them: every error with file:line:column')
    .argument('<paths...>', 'scenario files or folders')
    .action((paths: string[]) => {
      const scenarios = load(paths, io);
      if (scenarios === undefined) return setExit(EXIT.failed);
      for (const s of scenarios) io.stdout(`ok ${s.file}\n`);
      setExit(EXIT.ok);
    });

  program
    .command('list')
    .description('list the scenarios with their tags')
    .argument('[paths...]', 'scenario files or folders (default scenarios/)')
    .option('--tags <t1,t2>', 'only scenarios with one of these tags')
    .action((paths: string[], options: { tags?: string }) => {
      const scenarios = load(paths, io);
      if (scenarios === undefined) return setExit(EXIT.failed);
      const shown = withTags(scenarios, tagList(options.tags));
      const width = Math.max(...shown.map((s) => s.file.length), 4);
      for (const s of shown) io.stdout(`${s.file.padEnd(width)}  [${s.tags.join(', ')}]  ${s.name}\n`);
      setExit(EXIT.ok);
    });

  program
    .command('schema')
    .description('print the JSON Schema of scenario files (scenarios/schema.json), for editors')
    .action(() => {
      io.stdout(scenarioJsonSchema());
      setExit(EXIT.ok);
    });
}

function summary(results: readonly ScenarioResult[], wallMs: number, index: string): string {
  const count = (o: ScenarioResult['outcome']): number => results.filter((r) => r.outcome === o).length;
  const scenarioMs = results.reduce((n, r) => n + r.scenarioMs, 0);
  return `${count('passed')} passed, ${count('failed')} failed, ${count('error')} errors: ${results.length} scenarios, ${formatDuration(scenarioMs)} of scenario time in ${(wallMs / 1000).toFixed(1)} s; report ${index}\n`;
}

/** `10%` (or `10`) as 0.1. */
function percentOption(name: string): (value: string) => number {
  return (value) => {
    const m = /^(\d+(?:\.\d+)?)%?$/.exec(value.trim());
    if (m === null) throw new UsageError(`${name}: expected a percentage such as 10%, got ${JSON.stringify(value)}`);
    return Number(m[1]) / 100;
  };
}

/** The summaries of a previous run's load-summary.json (a list, or one summary). */
function readBaseline(file: string): LoadSummary[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--baseline ${file}: ${(e as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (!list.every((s) => typeof s === 'object' && s !== null && typeof (s as LoadSummary).scenario === 'string' && typeof (s as LoadSummary).answerRatio === 'number'))
    throw new UsageError(`--baseline ${file}: not a load-summary.json of pbxlab run (a list of summaries with scenario and answerRatio)`);
  return list as LoadSummary[];
}
