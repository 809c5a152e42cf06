/**
 * The Replaces header field (RFC 3891 section 6.1: `call-id;to-tag=..;from-tag=..[;early-only]`,
 * tags as the receiver of the INVITE sees them: to-tag is its local tag, from-tag its remote one)
 * and the Refer-To URI that carries it escaped as a URI header (RFC 3891 section 6.1, RFC 5589
 * section 7): `<sip:carol@10.0.0.3?Replaces=call%40id%3Bto-tag%3Da%3Bfrom-tag%3Db>`.
 */
import { parseUri, sipUri, type SipUri } from '../sip/syntax/uri.js';

export interface ReplacesTarget {
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
  readonly earlyOnly: boolean;
}

export function formatReplaces(r: ReplacesTarget): string {
  return `${r.callId};to-tag=${r.toTag};from-tag=${r.fromTag}${r.earlyOnly ? ';early-only' : ''}`;
}

/** The Replaces value, or undefined when it lacks the Call-ID or either tag. */
export function parseReplaces(value: string): ReplacesTarget | undefined {
  const [callId, ...params] = value.split(';').map((p) => p.trim());
  if (callId === undefined || callId === '') return undefined;
  const fields = new Map<string, string | null>();
  for (const p of params) {
    const eq = p.indexOf('=');
    fields.set((eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase(), eq < 0 ? null : p.slice(eq + 1).trim());
  }
  const toTag = fields.get('to-tag');
  const fromTag = fields.get('from-tag');
  if (typeof toTag !== 'string' || typeof fromTag !== 'string') return undefined;
  return { callId, toTag, fromTag, earlyOnly: fields.has('early-only') };
}

/** `<uri>` or `<uri?Replaces=...>` for a REFER's Refer-To. */
export function referToValue(target: SipUri, replaces?: ReplacesTarget): string {
  if (replaces === undefined) return `<${target.text}>`;
  const { kind: _kind, text: _text, headers: _headers, ...parts } = target;
  return `<${sipUri({ ...parts, headers: { Replaces: encodeURIComponent(formatReplaces(replaces)) } }).text}>`;
}

export interface ReferTarget {
  /** Where to send the INVITE (the Refer-To URI without its headers). */
  readonly uri: SipUri;
  /** The Replaces value to put in that INVITE, when the Refer-To carried one. */
  readonly replaces: string | undefined;
}

/** The Refer-To field of a REFER; undefined when it is not a SIP URI the phone can call. */
export function parseReferTo(value: string | undefined): ReferTarget | undefined {
  if (value === undefined) return undefined;
  const m = /<([^>]*)>/.exec(value);
  let uri;
  try {
    uri = parseUri((m?.[1] ?? value.split(';')[0] ?? '').trim());
  } catch {
    return undefined;
  }
  if (uri.kind !== 'sip') return undefined;
  const escaped = uri.headers.get('replaces');
  const { kind: _kind, text: _text, headers: _headers, ...parts } = uri;
  let replaces: string | undefined;
  try {
    replaces = typeof escaped === 'string' ? decodeURIComponent(escaped) : undefined;
  } catch {
    return undefined;
  }
  return { uri: sipUri(parts), replaces };
}
