/**
 * How many SMS parts a message takes, the way carriers count them.
 *
 * A message made only of GSM 03.38 characters is sent as GSM-7: 160 septets in one part, 153 per part once it needs
 * more (the other 7 septets carry the concatenation header). Characters of the GSM extension table (`^ { } [ ] ~ \ |
 * €` and form feed) take two septets each (an escape plus the character). Any other character (an emoji, a curly
 * quote, `ő`) switches the whole message to UCS-2: 70 UTF-16 code units in one part, 67 per part; an emoji outside the
 * Basic Multilingual Plane is a surrogate pair and takes two.
 *
 * Parts never split an escape sequence or a surrogate pair: such a character moves whole to the next part, which is
 * why a long message can need one more part than `ceil(units / perPart)`.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsParts {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the message takes. */
  units: number;
  /** Number of parts the message is sent in (0 for an empty message). */
  parts: number;
  /** Units one part holds at this length: 160 or 153 (GSM-7), 70 or 67 (UCS-2). */
  unitsPerPart: number;
  /** Units still free in the last part before another part is needed. */
  remainingInLastPart: number;
}

const LIMITS: Record<SmsEncoding, { single: number; multi: number }> = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
};

export function isGsm7(text: string): boolean {
  for (const character of text) if (!basic.has(character) && !extension.has(character)) return false;
  return true;
}

/** Units per character, in message order; each entry is indivisible across parts. */
function characterUnits(text: string, encoding: SmsEncoding): number[] {
  const units: number[] = [];
  for (const character of text) {
    if (encoding === 'GSM-7') units.push(extension.has(character) ? 2 : 1);
    else units.push(character.length); // 2 for a surrogate pair
  }
  return units;
}

export function smsParts(text: string): SmsParts {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const limits = LIMITS[encoding];
  const sizes = characterUnits(text, encoding);
  const units = sizes.reduce((sum, size) => sum + size, 0);

  if (units === 0) return { encoding, units, parts: 0, unitsPerPart: limits.single, remainingInLastPart: limits.single };
  if (units <= limits.single) {
    return { encoding, units, parts: 1, unitsPerPart: limits.single, remainingInLastPart: limits.single - units };
  }

  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > limits.multi) {
      parts += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, parts, unitsPerPart: limits.multi, remainingInLastPart: limits.multi - used };
}
