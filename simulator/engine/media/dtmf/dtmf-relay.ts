/**
 * DTMF carried in SIP INFO (RFC 6086 for INFO itself) as the bodies phones actually send: the
 * `application/dtmf-relay` form (`Signal=5` and `Duration=160` lines, duration in ms; no RFC, the
 * Cisco/SIPura convention every PBX reads) and the bare `application/dtmf` form (the digit, or its
 * RFC 4733 event code).
 */
import type { SipBody } from '../../ua/body.js';
import { DTMF_DIGITS, isDtmfDigit, type DtmfDigit } from './digits.js';

export const DTMF_RELAY_CONTENT_TYPE = 'application/dtmf-relay';
export const DTMF_CONTENT_TYPE = 'application/dtmf';

export interface InfoDigit {
  readonly digit: DtmfDigit;
  /** Undefined when the body gives none (`application/dtmf`). */
  readonly durationMs: number | undefined;
}

export function dtmfRelayBody(digit: DtmfDigit, durationMs: number): SipBody {
  return { contentType: DTMF_RELAY_CONTENT_TYPE, content: `Signal=${digit}\r\nDuration=${Math.round(durationMs)}\r\n` };
}

/** The digit of an INFO body; undefined for another content type, a reason for a bad body. */
export function parseInfoDigit(body: SipBody): InfoDigit | string | undefined {
  if (body.contentType === DTMF_CONTENT_TYPE) {
    const text = body.content.trim();
    const digit = /^\d+$/.test(text) && Number(text) < DTMF_DIGITS.length ? DTMF_DIGITS[Number(text)]! : text.toUpperCase();
    return isDtmfDigit(digit) ? { digit: digit as DtmfDigit, durationMs: undefined } : `not a DTMF digit: ${JSON.stringify(text)}`;
  }
  if (body.contentType !== DTMF_RELAY_CONTENT_TYPE) return undefined;
  const fields = new Map<string, string>();
  for (const line of body.content.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) fields.set(m[1]!.toLowerCase(), m[2]!);
  }
  const signal = (fields.get('signal') ?? '').toUpperCase();
  if (!isDtmfDigit(signal)) return `dtmf-relay Signal is not a DTMF digit: ${JSON.stringify(fields.get('signal') ?? '')}`;
  const duration = fields.get('duration');
  const durationMs = duration !== undefined && /^\d+$/.test(duration) ? Number(duration) : undefined;
  return { digit: signal as DtmfDigit, durationMs };
}
