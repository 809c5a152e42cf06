/**
 * Our SDES master keys for one SDP session (RFC 4568 6.1): one key and salt per suite, drawn the
 * first time the suite is used and then kept, so that a re-offer or a later answer (hold, resume,
 * a new port) signals the same key and the SRTP sessions need not re-key (RFC 4568 7.1.4 allows
 * keeping them). A re-offer puts the suite in use first, so that a peer with another preference
 * order keeps it too.
 */
import { generateCrypto } from '../srtp/sdes-negotiation.js';
import type { SdesCrypto } from '../srtp/sdes-crypto.js';
import type { SrtpSuiteName } from '../srtp/suite.js';
import { DEFAULT_SRTP_SUITES, type SrtpConfig } from './media-config.js';

export class SdesKeys {
  private readonly drawn = new Map<SrtpSuiteName, SdesCrypto>();
  private inUse: string | undefined;

  constructor(readonly config: SrtpConfig) {}

  get suites(): readonly SrtpSuiteName[] {
    return this.config.suites ?? DEFAULT_SRTP_SUITES;
  }

  /** Offer lines: one per suite, tagged 1, 2, ... by the configured order; the suite in use first. */
  offer(): SdesCrypto[] {
    const lines = this.suites.map((suite, i) => this.line(i + 1, suite));
    return [...lines.filter((l) => l.suite === this.inUse), ...lines.filter((l) => l.suite !== this.inUse)];
  }

  /** Records the suite of the last completed exchange (none for plain RTP). */
  settled(suite: string | undefined): void {
    this.inUse = suite;
  }

  /** Our line for `suite` under the peer's `tag`. */
  line(tag: number, suite: SrtpSuiteName): SdesCrypto {
    let key = this.drawn.get(suite);
    if (key === undefined) {
      key = generateCrypto(tag, suite, this.config.random);
      this.drawn.set(suite, key);
    }
    return key.tag === tag ? key : { ...key, tag };
  }
}
