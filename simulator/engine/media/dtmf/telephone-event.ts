/**
 * The RFC 4733 telephone-event payload (section 2.3): event (8 bits), E end bit, R reserved bit,
 * volume (6 bits, 0 to -63 dBm0 as a positive number), duration (16 bits, in timestamp units).
 */

export interface TelephoneEvent {
  event: number;
  end: boolean;
  /** Power level as a positive number: 10 means -10 dBm0 (0-63). */
  volume: number;
  /** Duration so far in RTP timestamp units (samples at the 8 kHz clock). */
  duration: number;
}

export const TELEPHONE_EVENT_BYTES = 4;
export const MAX_EVENT_DURATION = 0xffff;

export function encodeTelephoneEvent(e: TelephoneEvent): Uint8Array {
  if (!Number.isInteger(e.event) || e.event < 0 || e.event > 255) throw new RangeError(`telephone-event: event ${e.event} is not 0-255`);
  if (!Number.isInteger(e.volume) || e.volume < 0 || e.volume > 63) throw new RangeError(`telephone-event: volume ${e.volume} is not 0-63`);
  if (!Number.isInteger(e.duration) || e.duration < 0 || e.duration > MAX_EVENT_DURATION) {
    throw new RangeError(`telephone-event: duration ${e.duration} is not 0-65535`);
  }
  return Uint8Array.of(e.event, (e.end ? 0x80 : 0) | e.volume, e.duration >> 8, e.duration & 0xff);
}

/** Decodes the first event of a payload; the R bit is ignored as section 2.3 asks of receivers. */
export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEvent {
  if (payload.length < TELEPHONE_EVENT_BYTES) {
    throw new RangeError(`telephone-event: payload of ${payload.length} bytes, need ${TELEPHONE_EVENT_BYTES}`);
  }
  const b1 = payload[1]!;
  return { event: payload[0]!, end: (b1 & 0x80) !== 0, volume: b1 & 0x3f, duration: (payload[2]! << 8) | payload[3]! };
}
