/** What every route module is given (server.ts builds it). */
import type { MailConfig, Outbox } from '../pbx/mail/index.js';
import type { Principal } from './auth.js';
import type { MailboxesPort, RecordingsPort } from './ports.js';

export interface ApiContext {
  readonly voicemail?: MailboxesPort;
  readonly recordings?: RecordingsPort;
  readonly outbox?: Outbox;
  readonly mail?: MailConfig;
  /** Epoch ms on the PBX's clock (keys of mail sent from the API). */
  readonly epochMs: () => number;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}
