/**
 * RFC 4733 sender (section 2.5.1): a digit string as the telephone-event packets to send at 20 ms
 * packetisation. Every packet of an event carries the event's start as its timestamp and the
 * duration so far; the first has the RTP marker bit; the last has the E bit and is sent three
 * times (section 2.5.1.4). Tone and pause durations have the ITU-T Q.24 floor of 40 ms.
 * Timestamps and send times are relative to the start of the string: the RTP session adds its
 * own timestamp base, sequence numbers and SSRC.
 */
import { parseDigits, digitToEvent, type DtmfDigit } from './digits.js';
import { encodeTelephoneEvent, MAX_EVENT_DURATION, type TelephoneEvent } from './telephone-event.js';

export const MIN_TONE_MS = 40;
export const MIN_GAP_MS = 40;
export const END_PACKET_COPIES = 3;

export interface DtmfSendOptions {
  toneMs?: number;
  gapMs?: number;
  /** Power level as a positive number, 10 = -10 dBm0 (section 2.3.4). */
  volume?: number;
  packetMs?: number;
  clockRate?: number;
}

export interface DtmfEventPacket {
  digit: DtmfDigit;
  /** When to send it, in ms from the start of the string. */
  atMs: number;
  /** The event's start in clock units from the start of the string; the same for all its packets. */
  timestamp: number;
  marker: boolean;
  event: TelephoneEvent;
  payload: Uint8Array;
}

export function dtmfEventPackets(digits: string, options: DtmfSendOptions = {}): DtmfEventPacket[] {
  const toneMs = options.toneMs ?? 100;
  const gapMs = options.gapMs ?? 100;
  const packetMs = options.packetMs ?? 20;
  const clockRate = options.clockRate ?? 8000;
  const volume = options.volume ?? 10;
  if (toneMs < MIN_TONE_MS) throw new RangeError(`DTMF tone of ${toneMs} ms is shorter than the ${MIN_TONE_MS} ms minimum`);
  if (gapMs < MIN_GAP_MS) throw new RangeError(`DTMF gap of ${gapMs} ms is shorter than the ${MIN_GAP_MS} ms minimum`);
  const unitsPerMs = clockRate / 1000;
  const toneUnits = Math.round(toneMs * unitsPerMs);
  // Longer events need the segmentation of section 2.5.1.3, which nothing here has needed yet.
  if (toneUnits > MAX_EVENT_DURATION) throw new RangeError(`DTMF tone of ${toneMs} ms exceeds one event's 16-bit duration`);

  const packets: DtmfEventPacket[] = [];
  parseDigits(digits).forEach((digit, i) => {
    const startMs = i * (toneMs + gapMs);
    const timestamp = Math.round(startMs * unitsPerMs);
    let first = true;
    const push = (atMs: number, duration: number, end: boolean): void => {
      const event: TelephoneEvent = { event: digitToEvent(digit), end, volume, duration };
      packets.push({ digit, atMs: startMs + atMs, timestamp, marker: first, event, payload: encodeTelephoneEvent(event) });
      first = false;
    };
    let elapsed = packetMs;
    for (; elapsed < toneMs; elapsed += packetMs) push(elapsed, Math.round(elapsed * unitsPerMs), false);
    for (let copy = 0; copy < END_PACKET_COPIES; copy++) push(elapsed, toneUnits, true);
  });
  return packets;
}
