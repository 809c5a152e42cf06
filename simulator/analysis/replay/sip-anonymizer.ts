/**
 * Consistent anonymisation of captured SIP messages, for a replay that is to be shared: every
 * IPv4 address becomes one of TEST-NET-1 (RFC 5737), every user part of a SIP or tel URI (RFC
 * 3261 19.1, RFC 3966) a made-up number of the same length or `userN`, every display name
 * `Party N`, every host name `hostN.example` (RFC 2606). The same original always gets the same
 * replacement, so dialogs, registrations and the links between calls survive.
 */
import type { Endpoint } from '../../engine/net/index.js';
import { parseMessage } from '../../engine/sip/index.js';
import type { TracedSipMessage } from '../sip/sip-trace-entry.js';

const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
const URI_USER = /\b(sips?:)([^@;>\s:"]+)(?=@)|\b(tel:)([^;>\s"]+)/g;
const DIGEST_USERNAME = /(\busername\s*=\s*")([^"]*)"/gi;
const URI_HOST = /(@)([A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)/g;
const DISPLAY_NAME = /^(From|To|Contact|f|t|m|Referred-By|P-Asserted-Identity|Remote-Party-ID|Reply-To)(\s*:\s*)("[^"]*"|[^<"\r\n]*[^<"\s])(\s*<)/gim;

type Kind = 'address' | 'number' | 'user' | 'name' | 'host';

export class SipAnonymizer {
  private readonly map = new Map<string, string>();
  private readonly counts: Record<Kind, number> = { address: 0, number: 0, user: 0, name: 0, host: 0 };

  /** `message` with its text, addresses and Content-Length rewritten; undefined if it no longer parses. */
  message(m: TracedSipMessage): TracedSipMessage | undefined {
    const raw = Buffer.from(m.message.raw ?? []).toString('utf8');
    const split = raw.indexOf('\r\n\r\n');
    const head = this.text(split < 0 ? raw : raw.slice(0, split));
    const body = split < 0 ? '' : this.text(raw.slice(split + 4));
    const length = Buffer.byteLength(body, 'utf8');
    const fixed = head.replace(/^(Content-Length|l)(\s*:\s*)\d+/im, `$1$2${length}`);
    const text = `${fixed}\r\n\r\n${body}`;
    const r = parseMessage(Buffer.from(text, 'utf8'));
    if (!r.ok) return undefined;
    const message = r.message;
    const entry = { ...m.entry, src: this.endpoint(m.entry.src), dst: this.endpoint(m.entry.dst), firstLine: message.startLine, text, ...(message.callId !== undefined && { callId: message.callId }) };
    return { ...m, entry, message };
  }

  endpoint(e: Endpoint): Endpoint {
    return { ...e, address: this.address(e.address) };
  }

  /** `kind original` → replacement, in order of first use (for the user to map a PBX configuration alike). */
  mapping(): [string, string][] {
    return [...this.map].map(([k, v]) => [k, v]);
  }

  text(text: string): string {
    return text
      .replace(DISPLAY_NAME, (_all, header: string, colon: string, name: string, open: string) => `${header}${colon}${name.startsWith('"') ? `"${this.name(name)}"` : this.name(name).replace(/ /g, '-')}${open}`)
      .replace(URI_USER, (_all, sip: string | undefined, user: string | undefined, tel: string | undefined, number: string | undefined) => (sip !== undefined ? sip + this.user(user!) : tel! + this.user(number!)))
      .replace(DIGEST_USERNAME, (_all, open: string, user: string) => `${open}${this.user(user)}"`)
      .replace(URI_HOST, (_all, at: string, host: string) => at + this.host(host))
      .replace(IPV4, (ip) => this.address(ip));
  }

  private address(ip: string): string {
    return this.lookup('address', ip, (n) => (ip.includes(':') ? `2001:db8::${n.toString(16)}` : `192.0.2.${n}`));
  }

  private user(user: string): string {
    if (/^\+?\d+$/.test(user)) {
      const digits = user.replace('+', '');
      return this.lookup('number', user, (n) => `${user.startsWith('+') ? '+' : ''}${'5'.padEnd(Math.max(1, digits.length - String(n).length), '0')}${n}`.slice(0, user.length));
    }
    return this.lookup('user', user, (n) => `user${n}`);
  }

  private name(name: string): string {
    return this.lookup('name', name.replace(/^"|"$/g, ''), (n) => `Party ${n}`);
  }

  private host(host: string): string {
    return this.lookup('host', host.toLowerCase(), (n) => `host${n}.example`);
  }

  private lookup(kind: Kind, original: string, make: (n: number) => string): string {
    const key = `${kind} ${original}`;
    let v = this.map.get(key);
    if (v === undefined) {
      v = make(++this.counts[kind]);
      this.map.set(key, v);
    }
    return v;
  }
}
