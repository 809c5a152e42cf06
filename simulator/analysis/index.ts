/** Capture analysis (issue 7 grows it): capture files (pcap, pcapng) read as the network's packet events, RTP streams with tshark's statistics. */
export { CaptureFormatError, type CaptureFileFormat, type CaptureProblem, type CaptureRecord } from './capture/capture-record.js';
export { openCapture, readCapture, type CaptureReader } from './capture/open-capture.js';
export { type PcapHeader } from './capture/pcap-file.js';
export { PacketDecoder, type DecodableFrame, type PacketDecoderOptions } from './decode/packet-decoder.js';
export { readCaptureEvents, type CaptureEvents } from './decode/capture-events.js';
export { type FragmentLimits } from './decode/fragment-reassembly.js';
export { type TcpLimits } from './decode/tcp-reassembly.js';
export {
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  LINKTYPE_LOOP,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
} from './decode/link-layer.js';
export { type CapturedDatagram } from './captured-datagram.js';
export { PcapFormatError, readPcap, type PcapFile, type PcapRecord, type PcapResolution, type PcapTruncation } from './pcap-reader.js';
export { LINKTYPE_ETHERNET, decodeUdpFrame, udpDatagrams, type FrameDecoding } from './udp-datagrams.js';
export { readRtpHeader, type RtpHeader } from './rtp-header.js';
export { FIRST_DYNAMIC_PAYLOAD_TYPE, STATIC_CLOCK_RATES, clockRateOf, isComfortNoise } from './rtp-clock-rates.js';
export { RtpStreamTracker, type RtpStreamFigures } from './rtp-stream-tracker.js';
export { RtpStreamAnalyzer, type RtpStreamAnalyzerOptions, type RtpStreamStats } from './rtp-streams.js';
