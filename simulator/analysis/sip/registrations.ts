/**
 * REGISTER exchanges (RFC 3261 10): who registered which address-of-record from where, the
 * outcome, and the expiry the registrar granted (10.3 step 8: the Contact's expires parameter,
 * else the Expires header), so that refreshes can be checked against it (10.2.4).
 */
import type { Endpoint } from '../../engine/net/endpoint.js';
import type { NameAddr } from '../../engine/sip/index.js';
import { safely } from './sip-fields.js';
import { finalResponse, statusOf, type SipTransaction } from './transactions.js';

export interface Registration {
  /** The To URI: the address-of-record. */
  readonly aor: string;
  readonly client: Endpoint;
  readonly sentAt: number;
  /** The final status; absent when none was captured. */
  readonly status?: number;
  readonly answeredAt?: number;
  /** Seconds granted to the contact (2xx only); 0 for a removal. */
  readonly expires?: number;
  readonly transaction: SipTransaction;
}

export function registrationOf(tx: SipTransaction): Registration | undefined {
  const request = tx.requests[0];
  if (tx.method !== 'REGISTER' || request === undefined) return undefined;
  const aor = safely(() => request.message.to?.uri.text);
  if (aor === undefined) return undefined;
  const final = finalResponse(tx);
  const base = { aor, client: request.entry.src, sentAt: request.entry.at, transaction: tx };
  if (final === undefined) return base;
  const status = statusOf(final)!;
  const expires = status < 300 ? grantedExpiry(final.message.headers.get('expires'), safely(() => final.message.contact), safely(() => request.message.contact)) : undefined;
  return { ...base, status, answeredAt: final.entry.at, ...(expires !== undefined && { expires }) };
}

function grantedExpiry(header: string | undefined, granted: NameAddr[] | '*' | undefined, asked: NameAddr[] | '*' | undefined): number | undefined {
  const contacts = Array.isArray(granted) ? granted : [];
  const mine = Array.isArray(asked) ? asked.map((c) => c.uri.text) : [];
  const contact = contacts.find((c) => mine.includes(c.uri.text) && c.params.get('expires') != null) ?? contacts.find((c) => c.params.get('expires') != null);
  const value = contact?.params.get('expires') ?? header?.trim();
  return value === undefined || value === null || !/^\d+$/.test(value) ? undefined : Number(value);
}
