/**
 * Defensive readers of the raw configuration for the cross-field checks (`cross-checks.ts` and
 * the applications' own checks): they run even when parts of the file are invalid, so a value may
 * be of any type; a reader gives the value when it has the expected shape, else an empty default.
 */
export type Fields = Record<string, unknown>;

export const rec = (v: unknown): Fields => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : {});
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
