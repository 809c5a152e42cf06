/** Call detail records: record types, the append-only journal, its reader, CSV export, call totals. */
export * from './cdr-record.js';
export { cdrRecordId, encodeCdrLine, type CdrEntry, type CdrLine } from './cdr-line.js';
export { MemoryCdrSink, FileCdrSink, type CdrSink } from './cdr-sink.js';
export { CdrJournal, openCdrJournal } from './cdr-journal.js';
export { readCdrJournal, readCdrJournalFile, CdrJournalError, type CdrJournalContents, type CdrJournalWarning } from './cdr-reader.js';
export { callsToCsv, legsToCsv, readCallCsv, callCsvRow, CALL_CSV_HEADER, LEG_CSV_HEADER, type CallCsvRow } from './cdr-csv.js';
export { csvField, csvRecord, parseCsv, CsvError, type CsvRow } from './csv-text.js';
export { callTotals, callTotalsBy, byDialledPrefix, byCallingLine, byCalledLine, type CallTotals } from './call-summary-report.js';
