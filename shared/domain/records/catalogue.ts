/**
 * Departments and metals: open vocabularies (every jeweller's POS names them a little differently) normalised to one
 * spelling, so that "Engagement Rings", "engagement-ring" and "ENGAGEMENT_RINGS" land in the same aggregate bucket and
 * a segment rule on `engagement_rings` finds them all.
 */

/** The departments the product knows by name (segment rule pickers, demo data); others are accepted as they come. */
export const KNOWN_DEPARTMENTS = [
  'engagement_rings',
  'wedding_bands',
  'diamonds',
  'watches',
  'pearls',
  'charms',
  'earrings',
  'necklaces',
  'bracelets',
  'rings',
  'gifts',
  'repairs',
] as const;

export const KNOWN_METALS = [
  'platinum',
  'yellow_gold',
  'white_gold',
  'rose_gold',
  'silver',
  'titanium',
  'palladium',
  'stainless_steel',
  'none',
] as const;

/** The metal of a line that has none (a loose diamond, a watch strap, a repair labour charge). */
export const NO_METAL = 'none';

/** Singular and common alternative spellings, after snake-casing. */
const DEPARTMENT_ALIASES: Readonly<Record<string, string>> = {
  engagement_ring: 'engagement_rings',
  engagement: 'engagement_rings',
  wedding_band: 'wedding_bands',
  wedding_ring: 'wedding_bands',
  wedding_rings: 'wedding_bands',
  diamond: 'diamonds',
  watch: 'watches',
  pearl: 'pearls',
  charm: 'charms',
  earring: 'earrings',
  necklace: 'necklaces',
  pendant: 'necklaces',
  pendants: 'necklaces',
  bracelet: 'bracelets',
  ring: 'rings',
  gift: 'gifts',
  repair: 'repairs',
};

const METAL_ALIASES: Readonly<Record<string, string>> = {
  plat: 'platinum',
  pt: 'platinum',
  gold_yellow: 'yellow_gold',
  gold_white: 'white_gold',
  gold_rose: 'rose_gold',
  pink_gold: 'rose_gold',
  sterling_silver: 'silver',
  sterling: 'silver',
  steel: 'stainless_steel',
  n_a: NO_METAL,
  na: NO_METAL,
  no_metal: NO_METAL,
};

/** Lower case, accents dropped, every run of other characters turned into one `_` (so `|` can never appear). */
export function snakeCase(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function normaliseDepartment(value: string): string {
  const key = snakeCase(value);
  return DEPARTMENT_ALIASES[key] ?? key;
}

export function normaliseMetal(value: string | undefined | null): string {
  const key = snakeCase(value ?? '');
  if (key === '') return NO_METAL;
  return METAL_ALIASES[key] ?? key;
}

/** Key of a department × metal bucket. Both parts are snake case, so the separator is unambiguous. */
export const departmentMetalKey = (department: string, metal: string) => `${department}|${metal}`;
