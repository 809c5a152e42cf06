/**
 * Why a scenario did not pass, in plain text for every report: the headline message, then each
 * failed step (where it is written, expected, actual, the last messages of its actors) and each
 * failed check, and for a run that crashed the tail of the PBX log.
 */
import type { ScenarioResult, SourceSpot } from '../scenario/result.js';

export type FailureInput = Pick<ScenarioResult, 'outcome' | 'message' | 'steps' | 'checks' | 'log'>;

const LOG_TAIL = 20;

function spot(s: SourceSpot): string {
  return `${s.file}:${s.line}:${s.column}`;
}

/** The one-paragraph message: the result's own, else the first failed step or check. */
export function failureMessage(result: FailureInput): string {
  if (result.message) return result.message;
  const step = result.steps.find((s) => s.outcome === 'failed');
  if (step) return `step ${step.index} failed: ${step.summary}`;
  const check = result.checks.find((c) => c.outcome === 'failed');
  if (check) return `check ${check.name} failed`;
  return result.outcome === 'error' ? 'the run did not complete' : result.outcome;
}

/** The failed steps and checks, one block each; empty for a passed result. */
export function failureDetails(result: FailureInput): string {
  const blocks: string[] = [];
  for (const s of result.steps) {
    if (s.outcome !== 'failed') continue;
    const lines = [`step ${s.index} at ${spot(s.spot)}: ${s.summary}`];
    if (s.failure) {
      lines.push(`  expected: ${s.failure.expected}`, `  actual:   ${s.failure.actual}`);
      if (s.failure.lastMessages.length > 0) lines.push('  last messages:', ...s.failure.lastMessages.map((m) => `    ${m}`));
    }
    blocks.push(lines.join('\n'));
  }
  for (const c of result.checks) {
    if (c.outcome !== 'failed') continue;
    blocks.push([`check ${c.name} at ${spot(c.spot)}`, ...c.detail.split('\n').map((l) => `  ${l}`)].join('\n'));
  }
  if (result.outcome === 'error' && result.log.length > 0) {
    const tail = result.log.slice(-LOG_TAIL);
    blocks.push([`PBX log (last ${tail.length} lines):`, ...tail.map((l) => `  ${l}`)].join('\n'));
  }
  return blocks.join('\n\n');
}
