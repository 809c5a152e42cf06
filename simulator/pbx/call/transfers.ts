/**
 * Transfers asked for by REFER (ARCHITECTURE.md "Transfers"): a blind transfer (RFC 3515,
 * RFC 5589 section 6) is done by the PBX itself, which tells the transferor 200 at once and rings
 * the target for the others, with recall to the transferor when it does not answer; a REFER with
 * Replaces (RFC 5589 section 7, RFC 3891) naming the transferor's dialog in another call joins the
 * two remote parties. This module reads and answers the REFER; the call moves the parties.
 */
import { parseReferTo, parseReplaces, type IncomingRequest, type ReplacesTarget } from '../../engine/ua/index.js';
import type { Routing } from '../call-router.js';
import type { CallParty } from '../core/party.js';
import type { RingTarget } from '../core/ring-target.js';
import { SipLegParty } from '../core/sip-leg-party.js';

/** What a transfer needs of the call it happens in (`PbxCall`). */
export interface TransferHost {
  transferees(party: CallParty): readonly CallParty[];
  routeTransfer(number: string, transferee: CallParty): Routing;
  findDialog(replaces: ReplacesTarget): { call: TransferHost; party: SipLegParty } | undefined;
  partnerOf(party: CallParty): CallParty | undefined;
  blindTransfer(transferor: CallParty, number: string, target: RingTarget, transferee: CallParty): void;
  attendedTransfer(transferor: CallParty, other: TransferHost, replaced: CallParty, target: CallParty): void;
}

const NO_DIALOG = 'Call/Transaction Does Not Exist';

export function receiveRefer(call: TransferHost, party: CallParty, refer: IncomingRequest): void {
  if (!(party instanceof SipLegParty)) return void refer.respond(603);
  const target = parseReferTo(refer.request.headers.get('refer-to'));
  if (target === undefined) return void refer.respond(400, { reason: 'Bad Refer-To' });
  const notify = party.session.acceptRefer(refer);
  const others = call.transferees(party);
  if (others.length === 0) return notify(603, 'Decline');
  if (target.replaces !== undefined) {
    const replaces = parseReplaces(target.replaces);
    const found = replaces === undefined ? undefined : call.findDialog(replaces);
    const partner = found === undefined || found.call === call ? undefined : found.call.partnerOf(found.party);
    if (found === undefined || partner === undefined) return notify(481, NO_DIALOG);
    notify(200);
    return call.attendedTransfer(party, found.call, found.party, partner);
  }
  const number = target.uri.user ?? '';
  const transferee = others[0]!;
  const routing = call.routeTransfer(number, transferee);
  if (routing.kind !== 'ring') return notify(routing.kind === 'reject' ? routing.status : 404);
  notify(200);
  call.blindTransfer(party, number, routing.target, transferee);
}
