/**
 * What a ladder shows of one traced SIP message (RFC 3261 section 7): its label (the method, or
 * the status code and reason phrase), whether it carries an SDP body (RFC 3264 offer or answer,
 * `Content-Type: application/sdp` or its compact form `c`), its class for colouring, and its first
 * lines for a tooltip. Works on the text as sent, so a malformed message from a raw actor still
 * gets a label.
 */
import { headerKey } from '../engine/sip/syntax/header-names.js';
import type { SipTraceEntry } from '../scenario/result.js';

export type MessageClass = 'request' | 'response' | 'error';

const STATUS_LINE = /^SIP\/2\.0\s+(\d{3})(?:\s+(.*))?$/;

/** The response status, from the entry or its status line; undefined for a request. */
export function statusOf(entry: Pick<SipTraceEntry, 'status' | 'firstLine'>): number | undefined {
  if (entry.status !== undefined) return entry.status;
  const m = STATUS_LINE.exec(entry.firstLine.trim());
  return m ? Number(m[1]) : undefined;
}

/** Requests, responses below 400, and responses of 400 and above. */
export function messageClass(entry: Pick<SipTraceEntry, 'status' | 'firstLine'>): MessageClass {
  const status = statusOf(entry);
  if (status === undefined) return 'request';
  return status >= 400 ? 'error' : 'response';
}

/** True when the message has a non-empty body of type application/sdp. */
export function hasSdpBody(text: string): boolean {
  const blank = /\r?\n\r?\n/.exec(text);
  if (!blank || text.slice(blank.index + blank[0].length).trim() === '') return false;
  for (const line of text.slice(0, blank.index).split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || headerKey(line.slice(0, colon).trim()) !== 'content-type') continue;
    if (line.slice(colon + 1).split(';')[0]!.trim().toLowerCase() === 'application/sdp') return true;
  }
  return false;
}

/** `INVITE (SDP)`, `180 Ringing`, `200 OK (SDP)`. */
export function messageLabel(entry: Pick<SipTraceEntry, 'method' | 'status' | 'firstLine' | 'text'>): string {
  const first = entry.firstLine.trim();
  const status = statusOf(entry);
  let label: string;
  if (status !== undefined) {
    const reason = STATUS_LINE.exec(first)?.[2]?.trim();
    label = reason ? `${status} ${reason}` : String(status);
  } else {
    label = entry.method ?? first.split(/\s+/)[0] ?? '';
  }
  if (label === '') label = '(empty)';
  return hasSdpBody(entry.text) ? `${label} (SDP)` : label;
}

/** The message's first `maxLines` lines, with `…` as the last when it has more. */
export function messageHead(text: string, maxLines: number): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length > maxLines ? [...lines.slice(0, maxLines), '…'] : lines;
}
