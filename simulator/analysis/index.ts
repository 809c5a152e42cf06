/** Capture analysis (issue 7 grows it): pcap reading, UDP datagrams in frames, RTP streams with tshark's statistics. */
export { type CapturedDatagram } from './captured-datagram.js';
export { PcapFormatError, readPcap, type PcapFile, type PcapRecord, type PcapResolution, type PcapTruncation } from './pcap-reader.js';
export { LINKTYPE_ETHERNET, decodeUdpFrame, udpDatagrams, type FrameDecoding } from './udp-datagrams.js';
export { readRtpHeader, type RtpHeader } from './rtp-header.js';
export { FIRST_DYNAMIC_PAYLOAD_TYPE, STATIC_CLOCK_RATES, clockRateOf, isComfortNoise } from './rtp-clock-rates.js';
export { RtpStreamTracker, type RtpStreamFigures } from './rtp-stream-tracker.js';
export { RtpStreamAnalyzer, type RtpStreamAnalyzerOptions, type RtpStreamStats } from './rtp-streams.js';
