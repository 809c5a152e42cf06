/**
 * Progress of `pbxlab run`: a bar on an interactive terminal (cli-progress), one line per
 * scenario otherwise (CI logs). Failures are printed in full either way. A stopped bar ends its
 * line, as it last showed, with a newline: the failures and the final summary then start a line
 * of their own, also in a terminal log that keeps the bytes rather than the screen.
 */
import { SingleBar } from 'cli-progress';
import { formatDuration, type LoadProgress, type ScenarioResult } from '../scenario/index.js';
import type { CliIO } from './io.js';

const LABEL = { passed: 'PASS', failed: 'FAIL', error: 'ERROR' } as const;

export interface RunProgress {
  done(result: ScenarioResult): void;
  /** A load scenario's live figures (shown on a terminal only). */
  load(progress: LoadProgress): void;
  stop(): void;
}

export function runProgress(io: CliIO, total: number): RunProgress {
  const line = (r: ScenarioResult): string => `${LABEL[r.outcome].padEnd(5)} ${r.file}  ${r.name} (seed ${r.seed}, ${formatDuration(r.scenarioMs)} scenario, ${Math.round(r.wallMs)} ms wall)\n`;
  const failure = (r: ScenarioResult): string => (r.outcome === 'passed' || r.message === undefined ? '' : `      ${r.message.split('\n').join('\n      ')}\n`);
  if (io.terminal !== true) {
    return {
      done: (r) => io.stdout(line(r) + failure(r)),
      load: () => undefined,
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({ format: 'pbxlab run [{bar}] {value}/{total} {last}', stream: process.stderr, hideCursor: true, clearOnComplete: false });
  bar.start(total, 0, { last: '' });
  return {
    done: (r) => {
      if (r.outcome !== 'passed') {
        bar.stop();
        io.stdout(line(r) + failure(r));
        bar.start(total, bar.getProgress() * total, { last: '' });
      }
      bar.increment({ last: r.file });
    },
    load: (p) => bar.update({ last: `${p.file}: ${p.placed} placed, ${p.answered} answered, ${p.failed} failed, ${p.inProgress} in progress, ${p.perSecond.toFixed(1)} calls/s` }),
    stop: () => bar.stop(),
  };
}
