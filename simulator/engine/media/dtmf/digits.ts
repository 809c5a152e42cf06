/**
 * The sixteen DTMF digits: their RFC 4733 event codes (section 3.2, table 3) and their ITU-T Q.23
 * frequency pairs (one from the low group 697-941 Hz, one from the high group 1209-1633 Hz).
 */

export const DTMF_DIGITS = '0123456789*#ABCD';

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

export const LOW_GROUP_HZ = [697, 770, 852, 941] as const;
export const HIGH_GROUP_HZ = [1209, 1336, 1477, 1633] as const;

/** The keypad as Q.23 lays it out: row = low-group frequency, column = high-group frequency. */
const KEYPAD = ['123A', '456B', '789C', '*0#D'] as const;

export function isDtmfDigit(c: string): c is DtmfDigit {
  return c.length === 1 && DTMF_DIGITS.includes(c.toUpperCase());
}

/** Validates a digit string (lower-case a-d accepted) and returns its digits in upper case. */
export function parseDigits(digits: string): DtmfDigit[] {
  return [...digits].map((c, i) => {
    if (!isDtmfDigit(c)) throw new RangeError(`not a DTMF digit at index ${i}: ${JSON.stringify(c)} (allowed: ${DTMF_DIGITS})`);
    return c.toUpperCase() as DtmfDigit;
  });
}

export function digitToEvent(digit: DtmfDigit): number {
  return DTMF_DIGITS.indexOf(digit);
}

/** The digit of an RFC 4733 event code, or undefined for codes that are not DTMF (16 and up). */
export function eventToDigit(event: number): DtmfDigit | undefined {
  return DTMF_DIGITS[event] as DtmfDigit | undefined;
}

export function digitFrequencies(digit: DtmfDigit): { low: number; high: number } {
  const row = KEYPAD.findIndex((r) => r.includes(digit));
  return { low: LOW_GROUP_HZ[row]!, high: HIGH_GROUP_HZ[KEYPAD[row]!.indexOf(digit)]! };
}

export function digitAt(lowIndex: number, highIndex: number): DtmfDigit {
  return KEYPAD[lowIndex]![highIndex] as DtmfDigit;
}
