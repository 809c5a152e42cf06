/**
 * `reregister-before-expiry`: a UA refreshes its binding before the expiry the registrar granted
 * runs out (RFC 3261 10.2.4), counted from the 2xx. The next REGISTER for the same
 * address-of-record from the same address must come before then; a binding whose expiry falls
 * after the capture's end is not judged.
 */
import type { Registration } from '../sip/registrations.js';
import type { Finding } from './finding.js';
import { ms } from './sip-timer-options.js';

export function registrationRefreshFindings(registrations: readonly Registration[], captureEnd: number): Finding[] {
  return registrations.flatMap((r, i) => {
    if (r.answeredAt === undefined || r.expires === undefined || r.expires === 0) return [];
    const due = r.answeredAt + r.expires * 1000;
    if (due > captureEnd) return [];
    const next = registrations.slice(i + 1).find((n) => n.aor === r.aor && n.client.address === r.client.address && n.sentAt > r.answeredAt!);
    if (next !== undefined && next.sentAt < due) return [];
    const callId = r.transaction.callId;
    return [{
      check: 'reregister-before-expiry',
      time: due,
      ...(callId !== undefined && { callId }),
      message: `the binding of ${r.aor} granted at ${ms(r.answeredAt)} for ${r.expires} s expired at ${ms(due)} ${next === undefined ? 'and was never refreshed' : `before the refresh at ${ms(next.sentAt)}`}`,
    }];
  });
}
