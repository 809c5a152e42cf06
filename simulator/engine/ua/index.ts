export { UserAgent, type UserAgentOptions, type CallerIdentity, type UserAgentDelegate, type UserAgentStats, type LiveObjects, type PrackMode, type DialogUsage, type PendingSubscription } from './user-agent.js';
export { ClientRequest, type ClientRequestDelegate } from './client-request.js';
export { IncomingRequest, type ResponseInit } from './incoming-request.js';
export { OutgoingInvite, type OutgoingInviteOptions, type InviteOutcome } from './outgoing-invite.js';
export { IncomingInvite, type ProgressOptions } from './incoming-invite.js';
export { Session, type SessionEnd, type SessionState, type ReferProgress } from './session.js';
export { bodyOf, OfferAnswerError, type SipBody, type SessionDescriptionHandler } from './body.js';
export { uriDestination, nextHop } from './next-hop.js';
export { Registration, type RegisterOptions, type RegistrationState, type RegistrationEvents } from './registration.js';
export {
  Subscription,
  parseSubscriptionState,
  eventKey,
  type SubscribeOptions,
  type SubscriptionState,
  type SubscriptionEnd,
  type SubscriptionEvents,
  type SubscriptionStateValue,
  type Notification,
} from './subscription.js';
export { IncomingSubscription, acceptSubscription, type AcceptSubscriptionOptions, type IncomingSubscriptionEnd, type IncomingSubscriptionEvents } from './incoming-subscription.js';
export { formatReplaces, parseReferTo, parseReplaces, referToValue, type ReferTarget, type ReplacesTarget } from './replaces.js';
export { MESSAGE_SUMMARY_EVENT, MESSAGE_SUMMARY_TYPE, messageSummary, parseMessageSummary, type MessageCounts } from './message-summary.js';
