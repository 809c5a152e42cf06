/**
 * What the voicemail application keeps for the life of one PBX (ARCHITECTURE.md "Applications"):
 * the mailbox store, the MWI notifier and the deposits in progress (saved when the PBX stops). Other parts reach it
 * with `pbx.service<VoicemailService>('voicemail')` (the HTTP API, the e-mail notifier) and
 * subscribe to the store's events on `pbx.events`.
 */
import type { IncomingRequest } from '../../../engine/ua/index.js';
import type { ApplicationContext, ApplicationService, CallerRef } from '../../core/application.js';
import { MailboxStore } from './mailbox-store.js';
import { MwiNotifier } from './mwi-notifier.js';

export interface DepositInProgress {
  save(): void;
}

export class VoicemailService implements ApplicationService {
  readonly store: MailboxStore;
  readonly mwi: MwiNotifier;
  readonly depositing = new Set<DepositInProgress>();

  constructor(ctx: ApplicationContext) {
    this.store = new MailboxStore(ctx.storage, ctx.config, ctx.events);
    this.mwi = new MwiNotifier(ctx, this.store);
  }

  /** SUBSCRIBE to message-summary. */
  request(request: IncomingRequest, from: CallerRef | undefined): boolean {
    return this.mwi.request(request, from);
  }

  /** The PBX stops: messages being recorded are kept as they are; subscriptions end. */
  close(): void {
    for (const deposit of [...this.depositing]) deposit.save();
    this.mwi.close();
  }
}
