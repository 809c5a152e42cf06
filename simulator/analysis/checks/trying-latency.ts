/**
 * `trying-latency`: a server transaction answers an INVITE within 200 ms, with 100 Trying unless
 * the TU answers sooner (RFC 3261 17.2.1). Measured from the INVITE's first copy to the first
 * response from the side it was sent to; an INVITE with no response at all is a finding too.
 */
import type { SipTransaction } from '../sip/transactions.js';
import { findingAt, messageLabel } from './finding-at.js';
import type { Finding } from './finding.js';
import { ms } from './sip-timer-options.js';

export const TRYING_LIMIT_MS = 200;

export function tryingLatencyFindings(transactions: readonly SipTransaction[], limitMs = TRYING_LIMIT_MS): Finding[] {
  return transactions.flatMap((tx) => {
    const invite = tx.method === 'INVITE' ? tx.requests[0] : undefined;
    if (invite === undefined) return [];
    const reply = tx.responses.find((r) => r.entry.at >= invite.entry.at && r.entry.src.address === invite.entry.dst.address);
    if (reply === undefined) return [findingAt('trying-latency', invite, `no response to ${messageLabel(invite)}`)];
    const latency = reply.entry.at - invite.entry.at;
    return latency > limitMs ? [findingAt('trying-latency', reply, `${reply.entry.firstLine} came ${ms(latency)} after ${messageLabel(invite)}, limit ${ms(limitMs)}`)] : [];
  });
}
