/**
 * A scenario's call detail records as JSON Lines (jsonlines.org): the calls, then the legs, one
 * object per line with a leading `"type": "call"` or `"type": "leg"`, each line ended by "\n".
 */
import type { ScenarioResult } from '../scenario/result.js';

export function cdrJsonl(cdrs: ScenarioResult['cdrs']): string {
  const lines = [...cdrs.calls.map((c) => JSON.stringify({ type: 'call', ...c })), ...cdrs.legs.map((l) => JSON.stringify({ type: 'leg', ...l }))];
  return lines.map((l) => `${l}\n`).join('');
}
