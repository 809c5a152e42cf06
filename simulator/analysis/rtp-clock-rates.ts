/**
 * RTP timestamp clock rates by payload type: the static assignments of RFC 3551 6 (table 4 and
 * 5, with the IANA registry's G.722 at 8000 although it samples at 16 kHz, RFC 3551 4.5.2), and
 * for dynamic types (96-127) only what the caller learnt from signalling, e.g. SDP `a=rtpmap`.
 *
 * A rate of 0 means "no jitter for this payload": unassigned and unknown dynamic types, and
 * `telephone-event` (RFC 4733 2.3), whose timestamp stays at the event's start, so interarrival
 * jitter against it would measure the event's duration instead of the network.
 */

/** RFC 3551 static payload types with a defined clock (1 and 2 are the historic FS-1016 and G.721). */
export const STATIC_CLOCK_RATES: Readonly<Record<number, number>> = Object.freeze({
  0: 8000, // PCMU
  1: 8000, // FS-1016
  2: 8000, // G721
  3: 8000, // GSM
  4: 8000, // G723
  5: 8000, // DVI4
  6: 16000, // DVI4
  7: 8000, // LPC
  8: 8000, // PCMA
  9: 8000, // G722
  10: 44100, // L16 stereo
  11: 44100, // L16 mono
  12: 8000, // QCELP
  13: 8000, // CN
  14: 90000, // MPA
  15: 8000, // G728
  16: 11025, // DVI4
  17: 22050, // DVI4
  18: 8000, // G729
  19: 8000, // CN (old, RFC 1890 reserved)
  25: 90000, // CelB
  26: 90000, // JPEG
  28: 90000, // nv
  31: 90000, // H261
  32: 90000, // MPV
  33: 90000, // MP2T
  34: 90000, // H263
});

export const FIRST_DYNAMIC_PAYLOAD_TYPE = 96;

/** The static table as an array, as it is read once per packet (the frozen record has sparse, slow keys). */
const STATIC_RATES = Int32Array.from({ length: FIRST_DYNAMIC_PAYLOAD_TYPE }, (_, pt) => STATIC_CLOCK_RATES[pt] ?? 0);

/** Comfort noise (RFC 3389 and its RFC 1890 predecessor): not a regular voice packet. */
export function isComfortNoise(payloadType: number): boolean {
  return payloadType === 13 || payloadType === 19;
}

/**
 * The clock rate of `payloadType`: the static table below 96, `dynamic[pt]` from 96 (the caller
 * maps telephone-event to 0 or leaves it out), 0 when unknown.
 */
export function clockRateOf(payloadType: number, dynamic: Readonly<Record<number, number>> = {}): number {
  if (payloadType < FIRST_DYNAMIC_PAYLOAD_TYPE) return STATIC_RATES[payloadType] ?? 0;
  return dynamic[payloadType] ?? 0;
}
