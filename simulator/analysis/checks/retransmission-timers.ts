/**
 * Retransmission schedules in a capture:
 * - `invite-retransmissions`: an INVITE client transaction over UDP re-sends after T1, 2*T1,
 *   4*T1, ... (Timer A, RFC 3261 17.1.1.2);
 * - `non-invite-retransmissions`: other requests over UDP after T1, 2*T1, ... capped at T2
 *   (Timer E, 17.1.2.2), at T2 once a provisional response has come;
 * - `2xx-retransmissions`: a UAS re-sends its 2xx to an INVITE after T1, doubling up to T2
 *   (13.3.1.4), until the ACK;
 * - `tcp-retransmissions`: a request is not re-sent over a reliable transport (17.1.1.2, 17.1.2.2).
 * An interval off by more than the tolerance is early or late; each is one finding.
 */
import type { SipTransaction } from '../sip/transactions.js';
import type { TracedSipMessage } from '../sip/sip-trace-entry.js';
import { statusOf } from '../sip/transactions.js';
import { findingAt, messageLabel } from './finding-at.js';
import type { Finding } from './finding.js';
import { ms, sipTimers, type SipTimerOptions, type SipTimers } from './sip-timer-options.js';
import { pushTo } from '../push-to.js';

export function retransmissionTimerFindings(transactions: readonly SipTransaction[], options: SipTimerOptions = {}): Finding[] {
  const timers = sipTimers(options);
  return transactions.flatMap((tx) => {
    const copies = tx.requests;
    if (tx.transport !== 'UDP') {
      return copies
        .filter((c) => tx.retransmissions.has(c.index))
        .map((c) => findingAt('tcp-retransmissions', c, `${messageLabel(c)} re-sent over ${tx.transport} ${ms(c.entry.at - copies[0]!.entry.at)} after the first copy; requests are not retransmitted over a reliable transport (RFC 3261 17.1.1.2)`));
    }
    const out: Finding[] = [];
    if (tx.method === 'INVITE') out.push(...schedule('invite-retransmissions', 'Timer A', copies, timers, (i) => timers.t1Ms * 2 ** i));
    else if (tx.method !== 'ACK') {
      const provisional = tx.responses.find((r) => (statusOf(r) ?? 0) < 200);
      out.push(
        ...schedule('non-invite-retransmissions', 'Timer E', copies, timers, (i, previous) =>
          provisional !== undefined && provisional.entry.at <= previous.entry.at ? timers.t2Ms : Math.min(timers.t1Ms * 2 ** i, timers.t2Ms),
        ),
      );
    }
    if (tx.method === 'INVITE') {
      const byCopy = new Map<string, TracedSipMessage[]>();
      for (const r of tx.responses) {
        const s = statusOf(r) ?? 0;
        if (s < 200 || s >= 300) continue;
        const key = r.entry.text;
        pushTo(byCopy, key, r);
      }
      for (const sent of byCopy.values()) out.push(...schedule('2xx-retransmissions', 'the 2xx timer', sent, timers, (i) => Math.min(timers.t1Ms * 2 ** i, timers.t2Ms)));
    }
    return out;
  });
}

/** Findings for copies whose interval from the previous copy is off `expected(i)` (i from 0). */
function schedule(check: string, timer: string, copies: readonly TracedSipMessage[], timers: SipTimers, expected: (i: number, previous: TracedSipMessage) => number): Finding[] {
  const out: Finding[] = [];
  for (let i = 1; i < copies.length; i++) {
    const previous = copies[i - 1]!;
    const copy = copies[i]!;
    const interval = copy.entry.at - previous.entry.at;
    const want = expected(i - 1, previous);
    const off = interval - want;
    if (Math.abs(off) <= timers.toleranceMs) continue;
    const how = off < 0 ? 'early' : 'late';
    out.push(findingAt(check, copy, `${messageLabel(copy)} copy ${i + 1} came ${ms(interval)} after the previous one, ${how}: ${timer} gives ${ms(want)} (T1 ${ms(timers.t1Ms)}, T2 ${ms(timers.t2Ms)}, tolerance ${ms(timers.toleranceMs)})`));
  }
  return out;
}
