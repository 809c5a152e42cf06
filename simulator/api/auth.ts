/**
 * Bearer-token authentication of the API (RFC 6750): `Authorization: Bearer TOKEN`. A token is the
 * administrator's, who sees every extension, or one extension's user, who sees only their own
 * mailbox and the recordings they took part in (the v-mailer's rule).
 */
import { timingSafeEqual } from 'node:crypto';
import type { ApiToken } from '../pbx/config/api-schema.js';
import { ApiProblem } from './problem.js';

export type Principal = { readonly role: 'admin' } | { readonly role: 'user'; readonly extension: string };

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Who the request's token belongs to, or undefined. Every token is compared, in constant time each. */
export function authenticate(tokens: readonly ApiToken[], authorization: string | undefined): Principal | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (m === null) return undefined;
  let found: Principal | undefined;
  for (const t of tokens) {
    if (same(t.token, m[1]!) && found === undefined) found = 'role' in t ? { role: 'admin' } : { role: 'user', extension: t.extension };
  }
  return found;
}

export function canSeeExtension(principal: Principal, extension: string): boolean {
  return principal.role === 'admin' || principal.extension === extension;
}

export function requireAdmin(principal: Principal): void {
  if (principal.role !== 'admin') throw new ApiProblem(403, 'only the administrator token may do this');
}
