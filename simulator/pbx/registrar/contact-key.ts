/**
 * When two Contact URIs name the same binding (RFC 3261 section 10.3 step 6, with the URI
 * comparison of section 19.1.4): scheme, user (case-sensitive), host (case-insensitive) and port as
 * written, and the parameters that must match when either URI has them (transport, user, method,
 * ttl, maddr). Other parameters and URI headers do not make another binding.
 */
import { parseUri } from '../../engine/sip/index.js';

const COMPARED_PARAMS = ['transport', 'user', 'method', 'ttl', 'maddr'] as const;

/** A string equal for two Contact URIs exactly when they name the same binding; the text itself when it is no URI. */
export function contactKey(contact: string): string {
  let uri;
  try {
    uri = parseUri(contact);
  } catch {
    return contact;
  }
  if (uri.kind !== 'sip') return uri.text;
  const params = COMPARED_PARAMS.map((name) => {
    const value = uri.params.get(name);
    return value === undefined ? '' : `;${name}=${(value ?? '').toLowerCase()}`;
  }).join('');
  return `${uri.scheme}:${uri.user ?? ''}@${uri.host.toLowerCase()}:${uri.port ?? ''}${params}`;
}
