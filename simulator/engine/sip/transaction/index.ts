export {
  DEFAULT_TRANSACTION_TIMERS,
  TIMER_D_MIN_MS,
  transactionTimers,
  timeoutInterval,
  timerD,
  timerT4,
  timerJ,
  backoff,
  type TransactionTimers,
} from './timers.js';
export type { TransactionTransport } from './transport.js';
export type { ClientTransactionUser, ServerTransactionUser } from './transaction-user.js';
export { Transaction, type TimerName, type TransactionKind, type TransactionEvents, type TransactionOptions } from './transaction.js';
export { InviteClientTransaction, buildNon2xxAck, type InviteClientState } from './invite-client-transaction.js';
export { NonInviteClientTransaction, type NonInviteClientState } from './non-invite-client-transaction.js';
export {
  InviteServerTransaction,
  trying100,
  AUTO_TRYING_DELAY_MS,
  type InviteServerState,
  type InviteServerOptions,
} from './invite-server-transaction.js';
export { NonInviteServerTransaction, type NonInviteServerState } from './non-invite-server-transaction.js';
export {
  TransactionTable,
  isRfc3261Branch,
  type TransactionTableOptions,
  type ClientTransaction,
  type ServerTransaction,
} from './transaction-table.js';
