/** A finding about one traced SIP message: its time and Call-ID, and how to name it in a sentence. */
import type { TracedSipMessage } from '../sip/sip-trace-entry.js';
import type { Finding } from './finding.js';

export function findingAt(check: string, t: TracedSipMessage, message: string): Finding {
  return { check, time: t.entry.at, message, ...(t.entry.callId !== undefined && { callId: t.entry.callId }) };
}

/** `INVITE sip:1002@pbx SIP/2.0 (10.0.0.1:5060 -> 10.0.0.2:5060)`. */
export const messageLabel = (t: TracedSipMessage): string => `${t.entry.firstLine} (${t.entry.src.address}:${t.entry.src.port} -> ${t.entry.dst.address}:${t.entry.dst.port})`;
