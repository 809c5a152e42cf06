/**
 * The SIP messages of a run or a capture as they crossed the network, read from the engine's
 * packet events (a live tap, or a capture file's decoder): datagrams that read as SIP, and stream
 * bytes framed into messages by Content-Length (RFC 3261 18.3). An identical message in the same
 * direction is marked as a retransmission (17.1.1.2, 17.2.1).
 */
import type { Endpoint } from '../../engine/net/endpoint.js';
import type { PacketEvent } from '../../engine/net/network.js';
import { parseMessage, serializeMessage, SipStreamFramer, type SipMessage } from '../../engine/sip/index.js';
import type { SipTraceEntry, TracedSipMessage } from './sip-trace-entry.js';

const SIP_START = /^(?:[A-Z]+ \S+ SIP\/2\.0\r?\n|SIP\/2\.0 \d{3} )/;

export class SipTrace {
  readonly entries: SipTraceEntry[] = [];
  /** The same messages, parsed, in the same order. */
  readonly messages: TracedSipMessage[] = [];
  private readonly seen = new Set<string>();
  private readonly framers = new Map<string, SipStreamFramer>();
  private readonly transports = new Map<number, 'TCP' | 'TLS'>();
  /** The time of the stream segment being framed (a framer reports messages synchronously). */
  private pendingTime = 0;

  /**
   * `epochZero`: the packet time that becomes 0 in the entries (a scenario's calendar start; for
   * a file, 0 keeps capture epoch ms, or the first packet's time to count from it).
   */
  constructor(private readonly epochZero = 0) {}

  readonly tap = (e: PacketEvent): void => {
    switch (e.kind) {
      case 'datagram':
        if (looksLikeSip(e.data)) this.add(e.time, 'UDP', e.src, e.dst, e.data);
        break;
      case 'stream-open':
        this.transports.set(e.connectionId, e.transport === 'tls' ? 'TLS' : 'TCP');
        break;
      case 'stream-data': {
        const key = `${e.connectionId} ${e.src.address} ${e.src.port}`;
        let framer = this.framers.get(key);
        if (framer === undefined) {
          framer = new SipStreamFramer();
          const transport = this.transports.get(e.connectionId) ?? 'TCP';
          const { src, dst } = e;
          framer.on('message', (r) => {
            if (r.ok) this.record(this.pendingTime, transport, src, dst, r.message);
          });
          this.framers.set(key, framer);
        }
        this.pendingTime = e.time;
        framer.push(e.data);
        break;
      }
      case 'stream-close':
        this.framers.delete(`${e.connectionId} ${e.src.address} ${e.src.port}`);
        break;
    }
  };

  private add(time: number, transport: SipTraceEntry['transport'], src: Endpoint, dst: Endpoint, data: Uint8Array): void {
    const r = parseMessage(data);
    if (r.ok) this.record(time, transport, src, dst, r.message);
  }

  private record(time: number, transport: SipTraceEntry['transport'], src: Endpoint, dst: Endpoint, m: SipMessage): void {
    const text = Buffer.from(m.raw ?? serializeMessage(m)).toString('utf8');
    const key = `${src.address}:${src.port}>${dst.address}:${dst.port} ${text}`;
    const retransmission = this.seen.has(key);
    this.seen.add(key);
    const entry: SipTraceEntry = {
      at: time - this.epochZero,
      transport,
      src,
      dst,
      firstLine: m.startLine,
      ...(m.kind === 'request' ? { method: m.method } : { status: m.status }),
      ...(m.callId !== undefined && { callId: m.callId }),
      ...(m.cseq !== undefined && { cseqMethod: m.cseq.method }),
      text,
      retransmission,
    };
    this.messages.push({ entry, message: m, index: this.entries.length });
    this.entries.push(entry);
  }
}

/** Parses entries recorded elsewhere (a stored scenario result); entries that do not parse are left out. */
export function tracedMessages(entries: readonly SipTraceEntry[]): TracedSipMessage[] {
  return entries.flatMap((entry, index) => {
    const r = parseMessage(new TextEncoder().encode(entry.text));
    return r.ok ? [{ entry, message: r.message, index }] : [];
  });
}

/** A request method or `SIP/2.0` starts with an upper-case letter; RTP, RTCP and STUN never do, so most datagrams stop at one byte. */
function looksLikeSip(data: Uint8Array): boolean {
  const first = data[0];
  if (first === undefined || first < 0x41 || first > 0x5a) return false;
  return SIP_START.test(Buffer.from(data.buffer, data.byteOffset, Math.min(256, data.length)).toString('latin1'));
}
