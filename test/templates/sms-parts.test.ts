import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGsm7, smsParts } from '../../shared/domain/templates/sms-parts';

describe('smsParts: GSM-7', () => {
  it('an empty message takes no part', () => {
    expect(smsParts('')).toMatchObject({ encoding: 'GSM-7', units: 0, parts: 0 });
  });

  it('exactly 160 characters is one part; 161 is two parts of 153', () => {
    expect(smsParts('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1, unitsPerPart: 160, remainingInLastPart: 0 });
    expect(smsParts('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, parts: 2, unitsPerPart: 153, remainingInLastPart: 145 });
  });

  it('306 characters fill two parts exactly; 307 need three', () => {
    expect(smsParts('a'.repeat(306)).parts).toBe(2);
    expect(smsParts('a'.repeat(307)).parts).toBe(3);
  });

  it('extension characters (€ ^ { } [ ] ~ \\ |) count two septets and keep GSM-7', () => {
    for (const character of ['€', '^', '{', '}', '[', ']', '~', '\\', '|']) {
      expect(smsParts(character)).toMatchObject({ encoding: 'GSM-7', units: 2 });
    }
    expect(smsParts('€'.repeat(80))).toMatchObject({ units: 160, parts: 1 });
    expect(smsParts(`${'€'.repeat(80)}a`)).toMatchObject({ units: 161, parts: 2 });
  });

  it('never splits an escape sequence: a € that would straddle a part boundary moves to the next part', () => {
    // 152 plain septets, then € (2): 154 > 153, so € starts part two.
    const text = `${'a'.repeat(152)}€${'a'.repeat(10)}`;
    expect(smsParts(text)).toMatchObject({ units: 164, parts: 2, remainingInLastPart: 153 - 12 });
    // 306 septets would fill two parts exactly, but the € cannot straddle them: three parts.
    const straddling = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(smsParts(straddling)).toMatchObject({ units: 306, parts: 3 });
    expect(smsParts(`${'a'.repeat(153)}€${'a'.repeat(151)}`)).toMatchObject({ units: 306, parts: 2 });
  });

  it('accented letters of the GSM alphabet (é, ü, ñ, Ç) stay GSM-7; others (á, ő, curly quotes) do not', () => {
    expect(isGsm7('garçon')).toBe(false); // the GSM table has Ç, not ç
    expect(isGsm7('Café Müller, Ça va, ñ')).toBe(true);
    expect(isGsm7('á')).toBe(false);
    expect(isGsm7('It’s')).toBe(false);
    expect(isGsm7("It's")).toBe(true);
  });
});

describe('smsParts: UCS-2', () => {
  it('one character outside GSM-7 switches the whole message: 70 single, 67 per part', () => {
    expect(smsParts(`${'a'.repeat(69)}á`)).toEqual({ encoding: 'UCS-2', units: 70, parts: 1, unitsPerPart: 70, remainingInLastPart: 0 });
    expect(smsParts(`${'a'.repeat(70)}á`)).toMatchObject({ encoding: 'UCS-2', units: 71, parts: 2, unitsPerPart: 67 });
  });

  it('an emoji is a surrogate pair: two units', () => {
    expect(smsParts('💍')).toMatchObject({ encoding: 'UCS-2', units: 2, parts: 1 });
    expect(smsParts('💍'.repeat(35))).toMatchObject({ units: 70, parts: 1 });
    expect(smsParts('💍'.repeat(36))).toMatchObject({ units: 72, parts: 2 });
  });

  it('never splits a surrogate pair across parts', () => {
    // 66 units, then an emoji (2): 68 > 67, so the emoji starts part two.
    expect(smsParts(`${'a'.repeat(66)}💍${'a'.repeat(10)}`)).toMatchObject({ units: 78, parts: 2, remainingInLastPart: 67 - 12 });
  });

  it('extension characters count once in UCS-2', () => {
    expect(smsParts('€á')).toMatchObject({ encoding: 'UCS-2', units: 2 });
  });
});

describe('smsParts: properties', () => {
  function checkBounds(text: string) {
    const result = smsParts(text);
    const single = result.encoding === 'GSM-7' ? 160 : 70;
    if (result.units === 0) expect(result.parts).toBe(0);
    else if (result.units <= single) expect(result.parts).toBe(1);
    else {
      // A part loses at most one unit to a character that cannot be split across parts.
      expect(result.parts).toBeGreaterThanOrEqual(Math.ceil(result.units / result.unitsPerPart));
      expect(result.parts).toBeLessThanOrEqual(Math.ceil(result.units / (result.unitsPerPart - 1)));
    }
    expect(result.remainingInLastPart).toBeGreaterThanOrEqual(0);
  }

  it('GSM-7 messages: parts within capacity, never fewer than the naive division', () => {
    const gsm = fc.constantFrom('a', 'Z', ' ', '€', '^', '{', 'é', 'Ñ', '\n');
    fc.assert(fc.property(fc.array(gsm, { maxLength: 700 }), (characters) => checkBounds(characters.join(''))));
  });

  it('UCS-2 messages: the same bounds with surrogate pairs', () => {
    const ucs = fc.constantFrom('a', '€', 'á', '💍', '✨', '\n');
    fc.assert(fc.property(fc.array(ucs, { maxLength: 300 }), (characters) => checkBounds(characters.join(''))));
  });
});
