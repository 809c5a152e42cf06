/**
 * The manuals' clients as phone profiles (ARCHITECTURE.md "Endpoint models"): One Net e-phone (manual 000:
 * SIP over UDP 5060 to the proxy, RTP 4000-4128), COMfortel SoftPhone (manual 001: TLS, SRTP with
 * SDES keys, re-REGISTER 10% before expiry, call waiting) and VIVAit WebCall (manual 004: a
 * browser client, so TLS and mandatory SRTP, no call waiting in exclusive mode).
 */
import type { PhoneOptions } from './options.js';

export type PhoneProfileName = 'e-phone' | 'comfortel' | 'webcall';

export interface PhoneProfile {
  readonly name: PhoneProfileName;
  /** The port its SIP listener uses (for whoever sets up its transport). */
  readonly sipPort: number;
  readonly options: Partial<PhoneOptions>;
}

export const PHONE_PROFILES: Readonly<Record<PhoneProfileName, PhoneProfile>> = {
  'e-phone': {
    name: 'e-phone',
    sipPort: 5060,
    options: {
      transport: 'udp',
      rtpPorts: { first: 4000, last: 4128 },
      dtmfMode: 'rfc4733',
      codecs: ['PCMA', 'PCMU'],
      product: 'One Net e-phone (pbxlab)',
    },
  },
  comfortel: {
    name: 'comfortel',
    sipPort: 5061,
    options: {
      transport: 'tls',
      srtp: 'offer',
      callWaiting: true,
      dtmfMode: 'rfc4733',
      codecs: ['PCMA', 'PCMU'],
      product: 'Auerswald COMfortel SoftPhone (pbxlab)',
      register: { registrar: '', refreshFraction: 0.9 },
    },
  },
  webcall: {
    name: 'webcall',
    sipPort: 5061,
    options: {
      transport: 'tls',
      srtp: 'require',
      callWaiting: false,
      dtmfMode: 'rfc4733',
      codecs: ['PCMU', 'PCMA'],
      product: 'VIVAit WebCall (pbxlab)',
    },
  },
};

/** A profile's options under the caller's (a registration merges field by field). */
export function profileOptions(profile: PhoneProfile | PhoneProfileName | undefined, overrides: Partial<PhoneOptions> = {}): Partial<PhoneOptions> {
  const base = typeof profile === 'string' ? PHONE_PROFILES[profile].options : (profile?.options ?? {});
  const register = base.register === undefined || overrides.register === undefined ? overrides.register : { ...base.register, ...overrides.register };
  return { ...base, ...overrides, ...(register !== undefined && { register }) };
}
