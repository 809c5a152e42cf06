/**
 * How a feature plugs into the PBX (ARCHITECTURE.md "Applications"): a route target kind (`ivr`,
 * later `queue`, `voicemail`, `conference`, `trunk` ...) is provided by one module that implements
 * `RouteTargetProvider`. The dialplan asks the providers which numbers they own; a call to one of
 * them, or a forward or an IVR option that names one, is handed to the provider's `start` with
 * the caller and the core's operations (`ApplicationContext`). The application answers the caller
 * (or connects it elsewhere), hears its digits and hang-up through the call's delegate
 * (`core-call.ts`), and says how the call ended so that the PBX writes its records.
 */
import type { Clock } from '../../engine/clock/index.js';
import type { SeededRandom } from '../../engine/rng/index.js';
import type { SipDestination } from '../../engine/sip/transport/index.js';
import type { CallerIdentity, IncomingInvite, IncomingRequest, UserAgent } from '../../engine/ua/index.js';
import type { PbxConfig } from '../config/index.js';
import type { PbxStorage } from '../storage/index.js';
import type { CallControl } from './call-control.js';
import type { PbxEventBus } from './events.js';
import type { ExtensionStateService } from './extension-state.js';
import type { Disposition } from './ring-target.js';
import type { SipLegParty } from './sip-leg-party.js';

/** The caller of a call: its extension and terminal, when one of ours. */
export interface CallerRef {
  readonly number: string;
  readonly user?: string;
}

/** How a call handed to an application ended, for the call record. */
export interface ApplicationCallEnd {
  readonly disposition: Disposition;
  /** The final status the caller got (200 once answered). */
  readonly status: number;
  readonly hangupBy?: 'caller' | 'callee';
  /** Facts the application adds to the call record (an IVR's rating). */
  readonly notes?: Readonly<Record<string, string | number>>;
}

/** A call reaching an application: the caller's INVITE not answered yet, or an answered party. */
export interface InboundCall {
  /** The id of the PBX call the caller came in on (`call-started`, `call-ended` name it so). */
  readonly call: string;
  /** The number of the target (the IVR's number). */
  readonly number: string;
  /** The extension whose forwarding sent the call here, and why. */
  readonly forwardedFrom?: string;
  readonly forwardReason?: ForwardCause;
  readonly caller: CallerRef;
  readonly identity: CallerIdentity;
  /** The caller's INVITE while nobody answered it; undefined when `party` is given. */
  readonly invite?: IncomingInvite;
  /** The caller as an answered party (handed over by another application). */
  readonly party?: SipLegParty;
  /** Answers the INVITE as the PBX (or returns the party already answered); undefined when cancelled. */
  answer(): SipLegParty | undefined;
  /** Says how the call ended; called once. */
  finish(end: ApplicationCallEnd): void;
}

/**
 * Why a call was forwarded: unconditionally, busy (every terminal busy, DND, or in a call without
 * call waiting), no answer, none of the extension's terminals registered, or deflected by a phone.
 */
export type ForwardCause = 'unconditional' | 'busy' | 'no-answer' | 'not-registered' | 'deflected';

/** A registered terminal of an extension: its SIP user, Contact, and the flow it registered over. */
export interface TerminalBinding {
  readonly user: string;
  readonly contact: string;
  readonly flow: SipDestination;
}

/** What a module keeps for the life of one PBX (ApplicationModule.attach). */
export interface ApplicationService {
  /**
   * A request outside a dialog that is no call (a SUBSCRIBE ...), authenticated as `from` when a
   * terminal sent it: true when the service answered it.
   */
  request?(request: IncomingRequest, from: CallerRef | undefined): boolean;
  close?(): void;
}

/** What happens when `connect` hands a party to a number. */
export interface ConnectOptions {
  /** The far side hung up while `party` is still there: the party comes back (the IVR's rating). */
  onReturn?: (party: SipLegParty) => void;
  /** The number could not be reached or did not answer: the party comes back with the reason. */
  onFailed?: (party: SipLegParty, end: ApplicationCallEnd) => void;
  /** The call ended (the party hung up, or the far side did without `onReturn`). */
  onEnd?: (end: ApplicationCallEnd) => void;
}

/** What an application is given: the core's operations and the PBX's services. */
export interface ApplicationContext {
  readonly control: CallControl;
  readonly events: PbxEventBus;
  readonly clock: Clock;
  readonly rng: SeededRandom;
  readonly config: PbxConfig;
  readonly extensions: ExtensionStateService;
  /** The identity the PBX itself uses (prompts, PBX-originated calls). */
  readonly pbxIdentity: CallerIdentity;
  /** Durable records with audio (messages, greetings, recordings). */
  readonly storage: PbxStorage;
  /** The PBX's user agent, for requests outside calls (a NOTIFY), and the host of its URIs. */
  readonly ua: UserAgent;
  readonly domain: string;
  /** Where an extension's terminals are registered now. */
  bindings(number: string): readonly TerminalBinding[];
  /** The service an application module attached, by its route target kind. */
  service<T extends ApplicationService>(kind: string): T | undefined;
  /**
   * Connects an answered party to a dialled number as if it had dialled it (an extension, a ring
   * group, another application's number), with the features of an ordinary call (transfers, ...).
   */
  connect(party: SipLegParty, dialled: string, caller: CallerRef, options?: ConnectOptions): void;
}

/** One route target kind and the module that provides it. */
export interface RouteTargetProvider {
  readonly kind: string;
  /** The numbers this kind owns in `config` (the dialplan routes them here; the checks know them). */
  numbers(config: PbxConfig): Iterable<string>;
  /** A call reached `call.number`. */
  start(ctx: ApplicationContext, call: InboundCall): void;
}
