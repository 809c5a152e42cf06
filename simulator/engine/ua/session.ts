/**
 * An INVITE dialog and the session it carries (RFC 3261 sections 13-15): early or confirmed,
 * re-INVITE and UPDATE (RFC 3311) with the offer/answer hooks, BYE, INFO (RFC 6086), MESSAGE,
 * REFER (RFC 3515) with its implicit subscription and sipfrag NOTIFYs, and glare (14.1: 491 and
 * a randomised retry).
 *
 * A session is created by an outgoing INVITE (the UAC's early or confirmed dialog) or by an
 * incoming one when it is answered; the UA core routes every request of the dialog here.
 */
import type { Timer } from '../clock/index.js';
import { Emitter } from '../emitter.js';
import type { Dialog } from '../sip/dialog/dialog.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { SipDestination, SipTransportName } from '../sip/transport/transport-spec.js';
import { bodyFields, bodyOf, OfferAnswerError, type SessionDescriptionHandler, type SipBody } from './body.js';
import { ClientRequest, type ClientRequestDelegate } from './client-request.js';
import type { IncomingRequest } from './incoming-request.js';
import { nextHop } from './next-hop.js';
import { ReliableResponse } from './reliable-response.js';
import type { UserAgent } from './user-agent.js';
import { LazyMap } from '../lazy-collections.js';

export type SessionState = 'early' | 'confirmed' | 'terminated';

/** Why a session ended. */
export type SessionEnd =
  | 'bye-sent'
  | 'bye-received'
  | 'ack-timeout'
  | 'rejected'
  | 'canceled'
  | 'timeout'
  | 'transport-error'
  | 'dialog-gone'
  | 'forked-away';

export interface ReferProgress {
  /** The status code of the sipfrag (100 Trying, 200 OK, 486 ...). */
  readonly status: number;
  /** True on the NOTIFY that ends the implicit subscription. */
  readonly final: boolean;
}

export type SessionEvents = {
  confirmed: () => void;
  terminated: (reason: SessionEnd) => void;
  /** A re-INVITE or UPDATE from the peer was answered; `offer` is what it offered. */
  refreshed: (method: 'INVITE' | 'UPDATE', offer: SipBody | undefined) => void;
  /** INFO, MESSAGE, OPTIONS or NOTIFY (other than refer) in the dialog; answered 200 unless a listener answers. */
  request: (request: IncomingRequest) => void;
  /** A REFER in the dialog: call `acceptRefer` or answer it; unanswered, it gets 603. */
  refer: (request: IncomingRequest) => void;
  /** A NOTIFY of the implicit subscription of a REFER this side sent. */
  referProgress: (progress: ReferProgress) => void;
  /** The final response to a re-INVITE, UPDATE, INFO, MESSAGE or REFER this side sent. */
  response: (method: string, response: SipResponse) => void;
};

export interface SessionInit {
  core: UserAgent;
  dialog: Dialog;
  /** The transport the dialog was set up on, used when the remote target names none. */
  transport: SipTransportName;
  descriptions?: SessionDescriptionHandler;
}

interface OutgoingReinvite {
  request: ClientRequest;
  offered: boolean;
}

export class Session extends Emitter<SessionEvents> {
  readonly core: UserAgent;
  readonly dialog: Dialog;
  readonly transport: SipTransportName;
  readonly descriptions: SessionDescriptionHandler | undefined;
  private current: SessionState;
  private endReason?: SessionEnd;
  /** UAS: the 2xx of an INVITE (initial or re-INVITE) awaiting its ACK. */
  private pendingAck?: { wait: ReliableResponse; cseq: number; offeredInAnswer: boolean };
  /** UAC: the ACK sent for each INVITE's 2xx, re-sent when that 2xx is retransmitted. */
  private readonly acks = new LazyMap<number, SipRequest>();
  private reinvite?: OutgoingReinvite;
  private incomingReinvite = false;
  private glareTimer?: Timer;
  /** UAS with reliable provisional responses: where PRACKs in this early dialog go (RFC 3262). */
  prackHandler?: (prack: IncomingRequest) => void;

  constructor(init: SessionInit) {
    super();
    this.core = init.core;
    this.dialog = init.dialog;
    this.transport = init.transport;
    this.descriptions = init.descriptions;
    this.current = init.dialog.state === 'confirmed' ? 'confirmed' : 'early';
    this.core.addDialog(this);
  }

  get state(): SessionState {
    return this.current;
  }

  get callId(): string {
    return this.dialog.id.callId;
  }

  /** Why the session ended, once it has. */
  get reason(): SessionEnd | undefined {
    return this.endReason;
  }

  /** The next hop for a request in this dialog. */
  get destination(): SipDestination {
    return nextHop(this.dialog.remoteTarget, this.dialog.routeSet, this.core.outboundProxy, this.transport);
  }

  /** The next hop, or undefined (and the session ended) when the target cannot be routed. */
  private hop(): SipDestination | undefined {
    try {
      return this.destination;
    } catch {
      // A remote target naming a host that cannot be resolved here (no DNS in the simulator).
      this.end('transport-error');
      return undefined;
    }
  }

  // --- requests this side sends -------------------------------------------------------------

  /** BYE (15.1.1); the session is over at once, whatever the answer `delegate` then sees. */
  bye(delegate: ClientRequestDelegate = {}): ClientRequest | undefined {
    if (this.current === 'terminated') return undefined;
    const request = this.send('BYE', {}, delegate);
    this.end('bye-sent');
    return request;
  }

  /** A re-INVITE (14.1) with a new offer (hold, resume, codec change) or none (the peer offers). */
  reInvite(options: { offer?: boolean; headers?: [string, string][] } = {}): boolean {
    if (this.current !== 'confirmed' || this.reinvite !== undefined || this.incomingReinvite) return false;
    const offered = options.offer ?? this.descriptions !== undefined;
    const body = offered ? this.descriptions?.createOffer() : undefined;
    const request = this.send('INVITE', { headers: options.headers ?? [], body }, {
      onResponse: (response) => this.reinviteResponse(response, options),
      onFailure: () => this.end('transport-error'),
    });
    if (request === undefined) return false;
    this.reinvite = { request, offered: body !== undefined };
    return true;
  }

  /** UPDATE (RFC 3311) with an offer, in an early or confirmed dialog. */
  update(headers: [string, string][] = []): ClientRequest | undefined {
    if (this.current === 'terminated' || this.descriptions === undefined) return undefined;
    return this.send('UPDATE', { headers, body: this.descriptions.createOffer() }, {
      onResponse: (response) => {
        if (response.status < 200) return;
        const answer = bodyOf(response);
        if (response.status < 300 && answer !== undefined) this.descriptions?.acceptAnswer(answer);
        this.emit('response', 'UPDATE', response);
      },
    });
  }

  /** INFO (RFC 6086), e.g. `application/dtmf-relay` DTMF. */
  info(body: SipBody, headers: [string, string][] = []): ClientRequest | undefined {
    return this.sendSimple('INFO', body, headers);
  }

  /** MESSAGE in the dialog (RFC 3428). */
  message(body: SipBody, headers: [string, string][] = []): ClientRequest | undefined {
    return this.sendSimple('MESSAGE', body, headers);
  }

  /** REFER (RFC 3515): `referTo` is the Refer-To value (a URI, possibly with `?Replaces=`). */
  refer(referTo: string, headers: [string, string][] = []): ClientRequest | undefined {
    if (this.current !== 'confirmed') return undefined;
    return this.send('REFER', { headers: [['Refer-To', referTo], ['Referred-By', `<${this.dialog.localUri.uri.text}>`], ...headers] }, {
      onResponse: (response) => {
        if (response.status >= 200) this.emit('response', 'REFER', response);
      },
    });
  }

  /**
   * Accepts a REFER received in this dialog (202) and returns the function that reports the
   * referred call's progress as sipfrag NOTIFYs (RFC 3515 2.4.4); a final status ends the
   * implicit subscription.
   */
  acceptRefer(refer: IncomingRequest): (status: number, reason?: string) => void {
    refer.respond(202);
    const notify = (status: number, reason = this.core.reasonPhrase(status)): void => {
      if (this.current === 'terminated') return;
      const final = status >= 200;
      this.send('NOTIFY', {
        headers: [
          ['Event', 'refer'],
          ['Subscription-State', final ? 'terminated;reason=noresource' : 'active;expires=60'],
        ],
        body: { contentType: 'message/sipfrag', content: `SIP/2.0 ${status} ${reason}\r\n` },
      });
    };
    notify(100, 'Trying');
    return notify;
  }

  /** Sends a request in the dialog; `delegate` sees its responses. */
  send(method: string, options: { headers?: [string, string][]; body?: SipBody | undefined } = {}, delegate: ClientRequestDelegate = {}): ClientRequest | undefined {
    const destination = this.hop();
    if (destination === undefined) return undefined;
    const fields = bodyFields(options.body);
    const build = (): SipRequest =>
      this.dialog.createRequest(method, {
        headers: [...(options.headers ?? []), ...fields.headers],
        ...(fields.body !== undefined && { body: fields.body }),
      });
    return new ClientRequest(this.core, build, destination, {
      ...delegate,
      onResponse: (response, request) => {
        this.dialog.receiveResponse(response);
        if (this.dialog.state === 'terminated' && this.current !== 'terminated') this.end('dialog-gone');
        delegate.onResponse?.(response, request);
      },
    });
  }

  private sendSimple(method: string, body: SipBody, headers: [string, string][]): ClientRequest | undefined {
    if (this.current === 'terminated') return undefined;
    return this.send(method, { headers, body }, {
      onResponse: (response) => {
        if (response.status >= 200) this.emit('response', method, response);
      },
    });
  }

  private reinviteResponse(response: SipResponse, options: { offer?: boolean; headers?: [string, string][] }): void {
    const pending = this.reinvite;
    if (pending === undefined || response.status < 200) return;
    const seq = response.cseq?.seq ?? 0;
    if (response.status < 300) {
      // Every 2xx (and its retransmissions) gets the ACK; only the first one moves the session.
      const known = this.acks.get(seq);
      if (known !== undefined) {
        this.resendAck(response);
        return;
      }
      const answer = bodyOf(response);
      let ackBody: SipBody | undefined;
      try {
        if (pending.offered && answer !== undefined) this.descriptions?.acceptAnswer(answer);
        else if (!pending.offered && answer !== undefined && this.descriptions !== undefined) ackBody = this.descriptions.answer(answer);
      } catch (e) {
        if (!(e instanceof OfferAnswerError)) throw e;
      }
      this.ack(seq, ackBody);
    }
    this.reinvite = undefined;
    this.emit('response', 'INVITE', response);
    if (response.status === 491) {
      // 14.1: the Call-ID's owner waits 2.1-4 s, the other side 0-2 s, in 10 ms steps.
      const owner = this.dialog.role === 'uac';
      const delay = owner ? 2100 + 10 * this.core.rng.int(0, 190) : 10 * this.core.rng.int(0, 200);
      this.glareTimer = this.core.clock.setTimer(delay, () => {
        this.glareTimer = undefined;
        this.reInvite(options);
      });
    }
  }

  /** UAC: the ACK for a 2xx to INVITE CSeq `seq` (13.2.2.4), remembered for retransmitted 2xx. */
  ack(seq: number, body?: SipBody): void {
    const fields = bodyFields(body);
    const ack = this.dialog.createRequest('ACK', {
      cseq: seq,
      headers: fields.headers,
      ...(fields.body !== undefined && { body: fields.body }),
    });
    this.acks.clear();
    this.acks.set(seq, ack);
    const destination = this.hop();
    if (destination !== undefined) this.core.sendAck(ack, destination);
  }

  /** UAC: true once the ACK for the 2xx to INVITE CSeq `seq` was sent. */
  hasAck(seq: number): boolean {
    return this.acks.has(seq);
  }

  /** UAC: a 2xx to the initial INVITE arrived again (its ACK was lost). */
  resendAck(response: SipResponse): void {
    const ack = this.acks.get(response.cseq?.seq ?? -1);
    const destination = ack === undefined ? undefined : this.hop();
    if (ack !== undefined && destination !== undefined) this.core.sendAck(ack, destination);
  }

  // --- requests from the peer -------------------------------------------------------------

  /** UAS: a 2xx was sent for INVITE `cseq`; retransmit it until the ACK (13.3.1.4). */
  awaitAck(cseq: number, resend: () => void, offeredInAnswer: boolean): void {
    this.pendingAck?.wait.stop();
    const wait = new ReliableResponse({
      clock: this.core.clock,
      timers: this.core.timers,
      resend,
      onTimeout: () => {
        this.pendingAck = undefined;
        this.incomingReinvite = false;
        if (this.current === 'terminated') return;
        this.send('BYE');
        this.end('ack-timeout');
      },
    });
    this.pendingAck = { wait, cseq, offeredInAnswer };
  }

  /** An ACK in this dialog: for the 2xx of the INVITE it names. */
  receiveAck(ack: SipRequest): void {
    const pending = this.pendingAck;
    if (pending === undefined || ack.cseq?.seq !== pending.cseq) return;
    pending.wait.stop();
    this.pendingAck = undefined;
    this.incomingReinvite = false;
    const answer = bodyOf(ack);
    if (pending.offeredInAnswer && answer !== undefined) {
      try {
        this.descriptions?.acceptAnswer(answer);
      } catch (e) {
        if (!(e instanceof OfferAnswerError)) throw e;
      }
    }
    if (this.current === 'early') this.confirm();
  }

  /** A request of this dialog other than ACK and CANCEL, after the dialog accepted its CSeq. */
  receiveRequest(incoming: IncomingRequest): void {
    switch (incoming.method) {
      case 'BYE':
        incoming.respond(200);
        this.end('bye-received');
        return;
      case 'INVITE':
        this.receiveReinvite(incoming);
        return;
      case 'UPDATE':
        this.receiveUpdate(incoming);
        return;
      case 'PRACK':
        if (this.prackHandler !== undefined) this.prackHandler(incoming);
        else incoming.respond(481);
        return;
      case 'REFER':
        this.emit('refer', incoming);
        if (!incoming.answered) incoming.respond(603);
        return;
      case 'NOTIFY':
        if (/^refer\b/i.test(incoming.request.headers.get('event') ?? '')) {
          incoming.respond(200);
          const status = /^SIP\/2\.0 (\d{3})/.exec(incoming.request.bodyText());
          const state = incoming.request.headers.get('subscription-state') ?? '';
          this.emit('referProgress', { status: status ? Number(status[1]) : 0, final: /^\s*terminated/i.test(state) });
          return;
        }
        break;
    }
    this.emit('request', incoming);
    if (!incoming.answered) incoming.respond(200);
  }

  private receiveReinvite(incoming: IncomingRequest): void {
    // 14.2: glare with our own re-INVITE gets 491; a second one while one is pending, 500.
    if (this.reinvite !== undefined) {
      incoming.respond(491);
      return;
    }
    if (this.incomingReinvite || this.pendingAck !== undefined) {
      incoming.respond(500, { headers: [['Retry-After', String(this.core.rng.int(0, 10))]] });
      return;
    }
    const offer = bodyOf(incoming.request);
    let answer: SipBody | undefined;
    try {
      answer = offer !== undefined ? this.descriptions?.answer(offer) : this.descriptions?.createOffer();
    } catch (e) {
      if (!(e instanceof OfferAnswerError)) throw e;
      incoming.respond(488, { headers: [this.core.warning(e.message)] });
      return;
    }
    this.incomingReinvite = true;
    const response = incoming.respond(200, { headers: [this.core.contactHeader(incoming.context.transport)], ...(answer !== undefined && { body: answer }) });
    if (response === undefined) return;
    const seq = incoming.request.cseq?.seq ?? 0;
    this.awaitAck(seq, () => incoming.send(response), offer === undefined && answer !== undefined);
    this.emit('refreshed', 'INVITE', offer);
  }

  private receiveUpdate(incoming: IncomingRequest): void {
    const offer = bodyOf(incoming.request);
    let answer: SipBody | undefined;
    try {
      answer = offer === undefined ? undefined : this.descriptions?.answer(offer);
    } catch (e) {
      if (!(e instanceof OfferAnswerError)) throw e;
      incoming.respond(488, { headers: [this.core.warning(e.message)] });
      return;
    }
    incoming.respond(200, { headers: [this.core.contactHeader(incoming.context.transport)], ...(answer !== undefined && { body: answer }) });
    this.emit('refreshed', 'UPDATE', offer);
  }

  // --- state ---------------------------------------------------------------------------------

  /** The early dialog became confirmed (the UAC got the 2xx, or the UAS its ACK). */
  confirm(): void {
    if (this.current !== 'early') return;
    this.dialog.confirm();
    this.current = 'confirmed';
    this.emit('confirmed');
  }

  /** Ends the session without sending anything (the caller has sent or received what ends it). */
  end(reason: SessionEnd): void {
    if (this.current === 'terminated') return;
    this.current = 'terminated';
    this.endReason = reason;
    this.pendingAck?.wait.stop();
    this.pendingAck = undefined;
    this.glareTimer?.cancel();
    this.glareTimer = undefined;
    this.dialog.terminate();
    this.core.removeDialog(this);
    // The media of a forked INVITE is shared: another fork's answer goes on using it.
    if (reason !== 'forked-away') this.descriptions?.close?.();
    this.emit('terminated', reason);
  }
}
