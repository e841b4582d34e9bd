// Canonical forms of login identifiers. Uniqueness and every login lookup compare these; the
// display form is stored as typed.
//
// Usernames follow RFC 8265's UsernameCaseMapped profile: width mapping, case mapping
// (toLowerCase), NFC, then the IdentifierClass of RFC 8264. As RFC 8265 §3.5 allows, a username
// may be several userparts separated by single spaces (TX's names, such as "new user", have
// them). Hangar adds two rules against look-alikes that PRECIS leaves to applications: Latin,
// Greek and Cyrillic letters may not be mixed, and a combining mark after a letter of those scripts
// must compose with it (NFC) rather than float over it. Phonetic small capitals (ᴜ) are refused
// for the same reason.

/** RFC 8264 §9.1's LetterDigits: the non-ASCII code points IdentifierClass allows. */
const LETTER_DIGITS = /^[\p{Ll}\p{Lu}\p{Lo}\p{Nd}\p{Lm}\p{Mn}\p{Mc}]$/u;
const ASCII7 = /^[\x21-\x7e]$/;
const COMBINING = /^\p{M}$/u;
const LOOKALIKE_SCRIPTS = [
  ['Latin', /\p{Script=Latin}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
] as const;
// Phonetic Extensions and their Supplement: small capitals and other letters that mimic Latin ones.
const PHONETIC = /[\u1d00-\u1dbf]/u;
// Unicode's context rules for these two (CONTEXTJ) are not implemented; they are refused.
const JOINERS = /[\u200c\u200d]/u;

/** Fullwidth and halfwidth forms to their ordinary counterparts (RFC 8265 §3.3.2, rule 1). */
function mapWidth(value: string): string {
  return value.replace(/[\u3000\uff00-\uffef]/gu, (char) => char.normalize('NFKC'));
}

/** The form a username is compared by. Also used for what a login types, valid or not. */
export function canonicalUsername(value: string): string {
  return mapWidth(value).toLowerCase().normalize('NFC');
}

/** Emails compare case-insensitively, and in NFC. */
export function canonicalEmail(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

const hex = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why the profile refuses a username, or null when it is acceptable. */
export function usernameProblem(value: string): string | null {
  const canonical = canonicalUsername(value);
  if (canonical !== canonicalUsername(canonical)) return 'Is not stable under Unicode normalization.';
  const parts = canonical.split(' ');
  if (parts.some((part) => part === '')) return 'May not start or end with a space, or have two spaces in a row.';
  const chars = [...parts.join('')];
  for (const char of chars) {
    if (ASCII7.test(char)) continue;
    const allowed = LETTER_DIGITS.test(char) && char.normalize('NFKC') === char && !JOINERS.test(char) && !PHONETIC.test(char);
    if (!allowed) return `May not contain the character ${hex(char)}.`;
  }
  const scripts = LOOKALIKE_SCRIPTS.filter(([, script]) => chars.some((char) => script.test(char))).map(([name]) => name);
  if (scripts.length > 1) return `May not mix ${scripts.join(' and ')} letters.`;
  for (let i = 1; i < chars.length; i += 1) {
    if (COMBINING.test(chars[i]!) && LOOKALIKE_SCRIPTS.some(([, script]) => script.test(chars[i - 1]!))) {
      return `May not contain the combining mark ${hex(chars[i]!)} on a letter that has no composed form with it.`;
    }
  }
  return null;
}
