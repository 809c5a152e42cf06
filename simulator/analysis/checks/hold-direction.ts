/**
 * `hold-direction`: an answer's direction attribute fits its offer's (RFC 3264 6.1, 8.4; RFC 6337
 * 5): the answerer sends only if the offerer receives and receives only if the offerer sends, so
 * a hold offer (sendonly) is answered recvonly or inactive, an inactive one inactive. Each
 * m-line of the answer is judged against the same m-line of the offer.
 */
import { receives, sends } from '../../engine/media/sdp/direction.js';
import type { SipCall } from '../sip/sip-call.js';
import { findingAt } from './finding-at.js';
import type { Finding } from './finding.js';

export function holdDirectionFindings(calls: readonly SipCall[]): Finding[] {
  return calls.flatMap((call) =>
    call.exchanges.flatMap((x) => {
      const answer = x.answer;
      if (answer === undefined) return [];
      return answer.sdp.media.flatMap((m, i) => {
        const offered = x.offer.sdp.media[i];
        if (offered === undefined || m.port === 0 || offered.port === 0) return [];
        const ok = (!sends(m.direction) || receives(offered.direction)) && (!receives(m.direction) || sends(offered.direction));
        if (ok) return [];
        return [findingAt('hold-direction', answer.traced, `${answer.traced.entry.firstLine} answers a=${offered.direction} (${x.offer.traced.entry.firstLine}) with a=${m.direction} on m-line ${i + 1}; ${expectedAnswer(offered.direction)}`)];
      });
    }),
  );
}

function expectedAnswer(offered: string): string {
  switch (offered) {
    case 'sendonly':
      return 'a hold offer is answered recvonly or inactive';
    case 'recvonly':
      return 'a recvonly offer is answered sendonly or inactive';
    default:
      return 'an inactive offer is answered inactive';
  }
}
