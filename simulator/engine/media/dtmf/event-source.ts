/**
 * RFC 4733 events as an RTP payload source: called once per 20 ms interval with the interval's RTP
 * timestamp, it returns the event packets due by then (the first call is the string's start), each carrying its event's start
 * timestamp (section 2.5.1.2) and the marker where the sender set it; nothing between events and
 * after the last one. The shape fits the RTP layer's PayloadSource without depending on it.
 */
import { dtmfEventPackets, type DtmfSendOptions } from './event-sender.js';

export interface EventFrame {
  payload: Uint8Array;
  payloadType: number;
  marker: boolean;
  timestamp: number;
}

export function dtmfEventSource(
  digits: string,
  options: DtmfSendOptions & { payloadType: number },
): ((ctx: { timestamp: number }) => EventFrame[] | undefined) & { done(): boolean } {
  const packets = dtmfEventPackets(digits, options);
  const packetMs = options.packetMs ?? 20;
  let base: number | undefined;
  let interval = 0;
  let next = 0;
  const source = (ctx: { timestamp: number }): EventFrame[] | undefined => {
    base ??= ctx.timestamp;
    const now = interval++ * packetMs;
    const due: EventFrame[] = [];
    for (; next < packets.length && packets[next]!.atMs <= now; next++) {
      const p = packets[next]!;
      due.push({ payload: p.payload, payloadType: options.payloadType, marker: p.marker, timestamp: (base + p.timestamp) >>> 0 });
    }
    return due.length > 0 ? due : undefined;
  };
  return Object.assign(source, { done: () => next >= packets.length });
}
