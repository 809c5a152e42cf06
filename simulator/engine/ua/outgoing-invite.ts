/**
 * The UAC side of an INVITE (RFC 3261 13.2): early dialogs from tagged provisionals (one per fork,
 * 13.2.2.4), PRACK for reliable provisionals (RFC 3262 section 4), the ACK for each 2xx, a BYE for
 * the 2xx of every fork but the first, and CANCEL (section 9.1): held until a provisional arrives,
 * and if the INVITE still has no final answer 64*T1 after it, the transaction is abandoned. A 2xx
 * that crosses the CANCEL is acknowledged and the call is hung up at once.
 */
import type { Timer } from '../clock/index.js';
import { Emitter } from '../emitter.js';
import { Dialog } from '../sip/dialog/dialog.js';
import { DialogSet } from '../sip/dialog/dialog-set.js';
import { SipRequest, type SipResponse } from '../sip/message.js';
import type { Uri } from '../sip/syntax/uri.js';
import type { SipDestination } from '../sip/transport/transport-spec.js';
import { bodyFields, bodyOf, OfferAnswerError, type SessionDescriptionHandler, type SipBody } from './body.js';
import { ClientRequest } from './client-request.js';
import type { CallerIdentity } from './user-agent.js';
import { Session } from './session.js';
import type { UserAgent } from './user-agent.js';
import { LazyMap } from '../lazy-collections.js';

export type InviteOutcome = 'answered' | 'rejected' | 'canceled' | 'timeout' | 'transport-error';

export type OutgoingInviteEvents = {
  /** A provisional response; `session` is its early dialog when it had a To tag. */
  progress: (response: SipResponse, session: Session | undefined) => void;
  /** The first 2xx: the call is up. */
  accepted: (session: Session, response: SipResponse) => void;
  /** The INVITE is over without a call (a 2xx crossing `cancel` is acknowledged and hung up). */
  ended: (outcome: InviteOutcome, response: SipResponse | undefined) => void;
};

export interface OutgoingInviteOptions {
  /** The To URI; default the Request-URI. */
  to?: string;
  /** The From identity; default the UA's AOR and display name. */
  from?: CallerIdentity;
  /** Where to send; default the outbound proxy or the Request-URI's host. */
  destination?: SipDestination;
  headers?: [string, string][];
  /** Offer in the INVITE (default) or ask for an offer in the 2xx (late offer). */
  earlyOffer?: boolean;
  descriptions?: SessionDescriptionHandler;
  /** Cancel when no final answer came this long after sending (like a proxy's Timer C). Default 180 s. */
  noAnswerTimeoutMs?: number;
}

export class OutgoingInvite extends Emitter<OutgoingInviteEvents> {
  readonly callId: string;
  readonly destination: SipDestination;
  private readonly client: ClientRequest;
  private dialogs?: DialogSet;
  private readonly sessions = new LazyMap<Dialog, Session>();
  private readonly rseqs = new LazyMap<Dialog, number>();
  private readonly descriptions: SessionDescriptionHandler | undefined;
  private readonly offered: boolean;
  private answered?: Session;
  private provisional = false;
  private cancelRequested = false;
  private cancelSent = false;
  private outcomeValue?: InviteOutcome;
  private noAnswerTimer?: Timer;
  /** The no-answer timer (not the user) canceled the INVITE: the outcome is a timeout. */
  private unanswered = false;
  private abandonTimer?: Timer;

  constructor(
    private readonly core: UserAgent,
    target: Uri,
    options: OutgoingInviteOptions = {},
  ) {
    super();
    this.callId = core.newCallId();
    this.descriptions = options.descriptions;
    const offer: SipBody | undefined = options.earlyOffer === false ? undefined : this.descriptions?.createOffer();
    this.offered = offer !== undefined;
    this.destination = options.destination ?? core.destinationFor(target);
    const fromTag = core.newTag();
    let seq = core.initialSeq();
    const fields = bodyFields(offer);
    const build = (): SipRequest => {
      const request = new SipRequest({
        method: 'INVITE',
        uri: target,
        headers: [
          ...core.outOfDialogHeaders({ to: options.to ?? target.text, fromTag, callId: this.callId, seq: seq++, method: 'INVITE', ...(options.from !== undefined && { from: options.from }) }),
          core.contactHeader(this.destination.transport),
          ...core.capabilityHeaders(),
          ...(options.headers ?? []),
          ...fields.headers,
        ],
        ...(fields.body !== undefined && { body: fields.body }),
      });
      return request;
    };
    this.client = new ClientRequest(core, build, this.destination, {
      onResponse: (response) => this.receive(response),
      onFailure: (reason) => this.finish(this.cancelRequested ? 'canceled' : reason === 'timeout' ? 'timeout' : 'transport-error', undefined),
      onDone: () => this.transactionDone(),
    });
    core.trackInvite(this);
    this.noAnswerTimer = core.clock.setTimer(options.noAnswerTimeoutMs ?? 180_000, () => {
      this.noAnswerTimer = undefined;
      this.unanswered = true;
      this.cancel();
    });
  }

  /** The INVITE as last sent. */
  get request(): SipRequest {
    return this.client.request;
  }

  get outcome(): InviteOutcome | undefined {
    return this.outcomeValue;
  }

  /** The established call, once a 2xx came. */
  get session(): Session | undefined {
    return this.answered;
  }

  /** True once the INVITE's transactions and timers are all gone. */
  get done(): boolean {
    return this.client.done && this.abandonTimer === undefined && this.noAnswerTimer === undefined;
  }

  /** CANCEL (9.1); a no-op once a final answer came. */
  cancel(): void {
    if (this.outcomeValue !== undefined || this.cancelRequested) return;
    this.cancelRequested = true;
    this.clearNoAnswer();
    if (this.provisional) this.sendCancel();
  }

  private sendCancel(): void {
    if (this.cancelSent) return;
    this.cancelSent = true;
    const invite = this.client.request;
    const h = invite.headers;
    const cseq = invite.cseq!;
    const headers: [string, string][] = [
      ['Via', h.values('via')[0]!],
      ['Max-Forwards', '70'],
      ...h.getAll('route').map((r): [string, string] => ['Route', r]),
      ['From', h.get('from')!],
      ['To', h.get('to')!],
      ['Call-ID', this.callId],
      ['CSeq', `${cseq.seq} CANCEL`],
      ...this.core.identityHeaders(),
    ];
    const tx = this.client.transaction;
    new ClientRequest(this.core, () => new SipRequest({ method: 'CANCEL', uri: invite.uri, headers }), this.destination);
    this.abandonTimer = this.core.clock.setTimer(64 * this.core.timers.t1, () => {
      this.abandonTimer = undefined;
      tx.abandon();
      this.finish('canceled', undefined);
      this.transactionDone();
    });
  }

  private receive(response: SipResponse): void {
    const request = this.client.request;
    if (this.dialogs?.request !== request) this.dialogs = new DialogSet(request, { branch: () => this.core.newBranch() });
    const dialog = this.dialogs.receiveResponse(response);
    if (response.status < 200) {
      this.provisional = true;
      if (this.cancelRequested) this.sendCancel();
      const session = dialog === undefined ? undefined : this.sessionFor(dialog);
      if (session !== undefined && dialog !== undefined) this.prack(response, dialog, session);
      this.earlyMedia(response);
      this.emit('progress', response, session);
      return;
    }
    if (response.status < 300) {
      this.accept(response, dialog);
      return;
    }
    for (const session of this.sessions.values()) session.end(this.cancelRequested ? 'canceled' : 'rejected');
    this.finish(response.status === 487 && this.cancelRequested ? 'canceled' : 'rejected', response);
  }

  private accept(response: SipResponse, dialog: Dialog | undefined): void {
    if (dialog === undefined) return;
    const seq = response.cseq?.seq ?? 0;
    const session = this.sessionFor(dialog);
    if (this.answered === session || session.hasAck(seq)) {
      // A retransmitted 2xx, also of a call already hung up (13.2.2.4: each 2xx gets the ACK).
      session.resendAck(response);
      return;
    }
    if (this.answered !== undefined || this.cancelRequested || session.state === 'terminated') {
      // Another fork answered too, or the 2xx crossed our CANCEL: acknowledge, then hang up.
      // An early dialog ended already (forked away) is rebuilt from the 2xx for that purpose.
      const late = session.state === 'terminated' ? this.detachedSession(response) : session;
      late.confirm();
      late.ack(seq);
      late.bye();
      if (this.answered === undefined) this.finish('canceled', response);
      return;
    }
    let ackBody: SipBody | undefined;
    const body = bodyOf(response);
    try {
      if (this.offered && body !== undefined) this.descriptions?.acceptAnswer(body);
      else if (!this.offered && body !== undefined) ackBody = this.descriptions?.answer(body);
    } catch (e) {
      if (!(e instanceof OfferAnswerError)) throw e;
    }
    this.answered = session;
    session.confirm();
    session.ack(seq, ackBody);
    for (const other of this.sessions.values()) if (other !== session && other.state === 'early') other.end('forked-away');
    this.finish('answered', response);
    this.emit('accepted', session, response);
  }

  /**
   * SDP in an unreliable 18x: not an answer in RFC 3261's offer/answer, but early media in the
   * gateway model of RFC 3960 section 3.1, which phones follow (a PBX's in-band ringback); the 2xx
   * carries the same SDP again. Reliable ones are the answer and are taken with their PRACK.
   */
  private earlyMedia(response: SipResponse): void {
    if (!this.offered || /\b100rel\b/i.test(response.headers.get('require') ?? '')) return;
    const body = bodyOf(response);
    if (body === undefined) return;
    try {
      this.descriptions?.acceptAnswer(body);
    } catch (e) {
      if (!(e instanceof OfferAnswerError)) throw e;
    }
  }

  /** RFC 3262 section 4: a PRACK for each new reliable provisional of a dialog. */
  private prack(response: SipResponse, dialog: Dialog, session: Session): void {
    const rseq = Number(response.headers.get('rseq'));
    const reliable = /\b100rel\b/i.test(response.headers.get('require') ?? '');
    if (!reliable || !Number.isInteger(rseq) || this.core.prackMode === 'off') return;
    const last = this.rseqs.get(dialog);
    if (last !== undefined && rseq <= last) return;
    this.rseqs.set(dialog, rseq);
    const answer = bodyOf(response);
    if (answer !== undefined && this.offered) {
      try {
        this.descriptions?.acceptAnswer(answer);
      } catch (e) {
        if (!(e instanceof OfferAnswerError)) throw e;
      }
    }
    session.send('PRACK', { headers: [['RAck', `${rseq} ${response.cseq!.seq} INVITE`]] });
  }

  /** A session for a 2xx whose early dialog this side has already ended: only to ACK and BYE it. */
  private detachedSession(response: SipResponse): Session {
    const dialog = Dialog.fromUacResponse(this.client.request, response, { branch: () => this.core.newBranch() });
    return new Session({ core: this.core, dialog, transport: this.destination.transport });
  }

  private sessionFor(dialog: Dialog): Session {
    let session = this.sessions.get(dialog);
    if (session === undefined) {
      session = new Session({
        core: this.core,
        dialog,
        transport: this.destination.transport,
        ...(this.descriptions !== undefined && { descriptions: this.descriptions }),
      });
      this.sessions.set(dialog, session);
    }
    return session;
  }

  private finish(result: InviteOutcome, response: SipResponse | undefined): void {
    if (this.outcomeValue !== undefined) return;
    const outcome = result === 'canceled' && this.unanswered ? 'timeout' : result;
    this.outcomeValue = outcome;
    this.clearNoAnswer();
    if (outcome === 'answered') return;
    for (const session of this.sessions.values()) session.end(outcome);
    this.descriptions?.close?.();
    this.emit('ended', outcome, response);
  }

  private clearNoAnswer(): void {
    this.noAnswerTimer?.cancel();
    this.noAnswerTimer = undefined;
  }

  private transactionDone(): void {
    if (!this.client.done) return;
    if (this.outcomeValue !== undefined && this.outcomeValue !== 'answered') {
      this.abandonTimer?.cancel();
      this.abandonTimer = undefined;
    }
    if (this.done) this.core.untrackInvite(this);
  }
}
