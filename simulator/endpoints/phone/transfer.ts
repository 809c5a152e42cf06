/**
 * Call transfer between phones (RFC 5589). The transferor sends REFER (RFC 3515) with Refer-To the
 * target (blind, section 6) or the target's dialog as a Replaces URI header (attended, section 7,
 * RFC 3891), and hangs up once the transferee's NOTIFY reports a 2xx; a refused REFER or a failed
 * transfer leaves the call as it was. The transferee accepts the REFER (202), calls the Refer-To
 * URI and reports the new call's progress as sipfrag NOTIFYs.
 */
import type { IncomingRequest, ReferProgress } from '../../engine/ua/index.js';
import type { SipUri } from '../../engine/sip/syntax/uri.js';
import type { PhoneCall } from './phone-call.js';
import { parseReferTo, referToValue } from '../../engine/ua/index.js';

/** Sends the REFER of `call` and follows it: hang up on success (RFC 5589 6.1 and 7.1). */
export function sendTransfer(call: PhoneCall, target: SipUri, consultation?: PhoneCall): boolean {
  const session = call.session;
  if (session === undefined || call.state === 'ended') return false;
  const id = consultation?.session?.dialog.id;
  if (consultation !== undefined && (id === undefined || consultation.state === 'ended')) return false;
  // Our dialog as the target sees it: its local tag (to-tag) is our remote tag (RFC 3891 3).
  const replaces = id === undefined ? undefined : { callId: id.callId, toTag: id.remoteTag, fromTag: id.localTag, earlyOnly: false };
  const offResponse = session.on('response', (method, response) => {
    if (method !== 'REFER') return;
    offResponse();
    if (response.status >= 300) {
      offProgress();
      call.transferProgress({ status: response.status, final: true });
    }
  });
  const offProgress = session.on('referProgress', (progress: ReferProgress) => {
    call.transferProgress(progress);
    if (!progress.final && progress.status < 200) return;
    offProgress();
    if (progress.status >= 200 && progress.status < 300) call.hangUp();
  });
  if (session.refer(referToValue(target, replaces)) !== undefined) return true;
  offResponse();
  offProgress();
  return false;
}

/** What the transferee's phone does to place the referred call. */
export interface Transferee {
  readonly acceptTransfers: boolean;
  call(target: SipUri, headers: [string, string][]): PhoneCall;
}

/** A REFER received in `call`: accept it, call the target, report by NOTIFY (RFC 3515 2.4.4). */
export function receiveRefer(phone: Transferee, call: PhoneCall, refer: IncomingRequest): void {
  const session = call.session;
  if (session === undefined) return;
  if (!phone.acceptTransfers) {
    refer.respond(603);
    return;
  }
  const target = parseReferTo(refer.request.headers.get('refer-to') ?? undefined);
  if (target === undefined) {
    refer.respond(400, { headers: [refer.core.warning('Refer-To is not a SIP URI this phone can call')] });
    return;
  }
  const notify = session.acceptRefer(refer);
  const headers: [string, string][] = [['Referred-By', refer.request.headers.get('referred-by') ?? `<${session.dialog.remoteUri.uri.text}>`]];
  if (target.replaces !== undefined) headers.push(['Replaces', target.replaces]);
  const referred = phone.call(target.uri, headers);
  let ringing = false;
  let reported = false;
  const off = referred.on('state', (state) => {
    if (state === 'ringing' && !ringing) {
      ringing = true;
      notify(180);
      return;
    }
    if (state === 'dialing' || state === 'ringing' || state === 'early') return;
    reported = true;
    off();
    notify(state === 'ended' ? (referred.endStatus ?? 503) : 200);
  });
  if (referred.state === 'ended' && !reported) notify(referred.endStatus ?? 503);
}
