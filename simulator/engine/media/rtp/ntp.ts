/**
 * NTP timestamps as RTCP carries them (RFC 3550 4): 32-bit seconds since 1900 and a 32-bit
 * fraction, and the "middle 32 bits" that LSR echoes (6.4.1).
 */

export interface NtpTime {
  readonly seconds: number;
  readonly fraction: number;
}

const NTP_UNIX_OFFSET_S = 2_208_988_800;

export function ntpFromEpochMs(epochMs: number): NtpTime {
  const totalS = epochMs / 1000 + NTP_UNIX_OFFSET_S;
  const seconds = Math.floor(totalS);
  const fraction = Math.min(0xffffffff, Math.round((totalS - seconds) * 2 ** 32));
  return { seconds: seconds >>> 0, fraction: fraction >>> 0 };
}

/** Low 16 bits of the seconds and high 16 bits of the fraction: units of 1/65536 s. */
export function ntpMiddle32(t: NtpTime): number {
  return (((t.seconds & 0xffff) << 16) | (t.fraction >>> 16)) >>> 0;
}

/** A duration in units of 1/65536 s, as DLSR carries it. */
export const toNtpShort = (ms: number): number => Math.max(0, Math.round((ms / 1000) * 65536)) >>> 0;

export const fromNtpShort = (units: number): number => (units / 65536) * 1000;
