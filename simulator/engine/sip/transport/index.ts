export { SipTransport, type SipTransportOptions, type IncomingContext, type SipTransportStats, type SipTransportEvents } from './sip-transport.js';
export { SipConnection } from './sip-connection.js';
export { parseTransportSpec, formatTransportSpec, isReliable, defaultPort, type SipTransportName, type SipDestination } from './transport-spec.js';
export { stampTopVia, recordSource, responseTarget } from './via-rules.js';
