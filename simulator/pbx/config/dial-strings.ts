/**
 * The textual forms of numbers in the PBX configuration: extension numbers, service codes, and
 * what a forward may point at. Numbers are strings in YAML (quoted), so that `0101` keeps its zero.
 */
import { z } from 'zod';

export const EXTENSION_NUMBER = /^[0-9]{2,10}$/;
export const extensionNumberSchema = z.string().regex(EXTENSION_NUMBER, { error: 'an extension number is 2 to 10 digits' });

export const SERVICE_CODE = /^[0-9*#]{1,8}$/;
export const serviceCodeSchema = z.string().regex(SERVICE_CODE, { error: 'a service code is 1 to 8 of 0-9, * and #' });

/** A number outside the PBX a call may be sent to: E.164 (`+` and 8-15 digits) or 7 to 20 digits. */
export const EXTERNAL_NUMBER = /^(\+[1-9][0-9]{7,14}|[0-9]{7,20})$/;

/** The forward target that means "the extension's own voicemail". */
export const VOICEMAIL_TARGET = 'voicemail';

export const isSipUri = (s: string): boolean => /^sips?:[^\s@]+@[^\s@]+$/.test(s);
