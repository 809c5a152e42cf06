/**
 * Small readings of a parsed SIP message that the call analysis needs over and over: tags
 * (RFC 3261 19.3), the user part of a URI, a Via's sent-by, a header read without throwing.
 */
import type { NameAddr, SipMessage, Uri, Via } from '../../engine/sip/index.js';

export const tagOf = (a: NameAddr | undefined): string | undefined => a?.params.get('tag') ?? undefined;

/** The user of a SIP URI, the number of a tel URI, else undefined. */
export function userOf(uri: Uri | undefined): string | undefined {
  if (uri === undefined) return undefined;
  if (uri.kind === 'sip') return uri.user;
  if (uri.kind === 'tel') return uri.number;
  return undefined;
}

export const sentBy = (v: Via | undefined): string => (v === undefined ? '' : `${v.host}:${v.port ?? ''}`);

/** A typed view that may throw on a header the parser did not validate; undefined then. */
export function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export const fromTag = (m: SipMessage): string | undefined => safely(() => tagOf(m.from));
export const toTag = (m: SipMessage): string | undefined => safely(() => tagOf(m.to));

/** The body when it is SDP (RFC 4566, `application/sdp`), else undefined. */
export function sdpText(m: SipMessage): string | undefined {
  if (m.body.byteLength === 0) return undefined;
  const type = safely(() => m.contentType);
  if (type !== undefined && `${type.type}/${type.subtype}`.toLowerCase() !== 'application/sdp') return undefined;
  return m.bodyText();
}
