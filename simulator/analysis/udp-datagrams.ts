/**
 * The UDP datagrams of captured frames, for callers that want datagrams only: thin wrappers over
 * decode/packet-decoder.ts, which also reassembles fragments and TCP streams.
 */
import type { PcapFile } from './pcap-reader.js';
import type { CapturedDatagram } from './captured-datagram.js';
import type { PacketEvent } from '../engine/net/network.js';
import { LINKTYPE_ETHERNET } from './decode/link-layer.js';
import { PacketDecoder } from './decode/packet-decoder.js';

export { LINKTYPE_ETHERNET };

export type FrameDecoding = { readonly ok: true; readonly datagram: Omit<CapturedDatagram, 'time'> } | { readonly ok: false; readonly reason: string };

/** The UDP datagram in one frame of link type `linkType`, or why there is none (a fragment alone is incomplete). */
export function decodeUdpFrame(frame: Uint8Array, linkType = LINKTYPE_ETHERNET): FrameDecoding {
  const decoder = new PacketDecoder();
  let found: FrameDecoding | undefined;
  const emit = (e: PacketEvent): void => {
    if (found !== undefined) return;
    found = e.kind === 'datagram' ? { ok: true, datagram: { src: e.src, dst: e.dst, data: e.data } } : { ok: false, reason: 'TCP, not UDP' };
  };
  decoder.push({ time: 0, linkType, data: frame }, emit);
  decoder.finish(emit);
  if (found !== undefined) return found;
  const reasons = Object.keys(decoder.skipped);
  return { ok: false, reason: reasons[0] ?? 'not a UDP datagram' };
}

/** Every UDP datagram of a capture, in file order, with its capture time. */
export function udpDatagrams(file: PcapFile): CapturedDatagram[] {
  const decoder = new PacketDecoder();
  const out: CapturedDatagram[] = [];
  const emit = (e: PacketEvent): void => {
    if (e.kind === 'datagram') out.push(e);
  };
  for (const record of file.records) decoder.push(record, emit);
  decoder.finish(emit);
  return out;
}
