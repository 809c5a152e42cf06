/**
 * What the voicemail application keeps for the life of one PBX (ARCHITECTURE.md "Applications"):
 * the mailbox store and the deposits in progress (saved when the PBX stops). Other parts reach it
 * with `pbx.service<VoicemailService>('voicemail')` (the HTTP API, the e-mail notifier) and
 * subscribe to the store's events on `pbx.events`.
 */
import type { ApplicationContext, ApplicationService } from '../../core/application.js';
import { MailboxStore } from './mailbox-store.js';

export interface DepositInProgress {
  save(): void;
}

export class VoicemailService implements ApplicationService {
  readonly store: MailboxStore;
  readonly depositing = new Set<DepositInProgress>();

  constructor(ctx: ApplicationContext) {
    this.store = new MailboxStore(ctx.storage, ctx.config, ctx.events);
  }

  /** The PBX stops: messages being recorded are kept as they are. */
  close(): void {
    for (const deposit of [...this.depositing]) deposit.save();
  }
}
