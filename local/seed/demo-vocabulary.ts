/**
 * The words of the demo book: Australian names and places, a jeweller's departments, metals and price ranges. Contact
 * details are never real: emails use the reserved example domains (RFC 2606) and phone numbers come from the ranges
 * ACMA sets aside for fiction.
 */

export const FIRST_NAMES = [
  'Olivia', 'Charlotte', 'Amelia', 'Isla', 'Mia', 'Ava', 'Grace', 'Chloe', 'Sophie', 'Emily', 'Zoe', 'Ella', 'Harper',
  'Ruby', 'Matilda', 'Evie', 'Lily', 'Georgia', 'Hannah', 'Jessica', 'Sarah', 'Emma', 'Lucy', 'Madison', 'Kate',
  'Rebecca', 'Michelle', 'Nicole', 'Lauren', 'Megan', 'Samantha', 'Rachel', 'Natalie', 'Kylie', 'Danielle', 'Mei',
  'Priya', 'Anjali', 'Linh', 'Thi', 'Yuki', 'Sofia', 'Giulia', 'Eleni', 'Maria', 'Fatima', 'Aaliyah', 'Jasmine', 'Ngaio',
  'Jack', 'Oliver', 'William', 'Noah', 'Thomas', 'James', 'Lucas', 'Henry', 'Charlie', 'Leo', 'Jacob', 'Ethan',
  'Harrison', 'Lachlan', 'Cooper', 'Riley', 'Mitchell', 'Daniel', 'Matthew', 'Benjamin', 'Samuel', 'Joshua', 'Ryan',
  'Liam', 'Luke', 'Nathan', 'Andrew', 'David', 'Michael', 'Peter', 'Stephen', 'Mark', 'Wei', 'Arjun', 'Raj', 'Minh',
  'Duc', 'Hiroshi', 'Marco', 'Giorgos', 'Nikos', 'Ahmed', 'Omar', 'Jarrah', 'Kai', 'Mateo', 'Sebastián', 'Zoë', 'Chloé',
] as const;

export const LAST_NAMES = [
  'Smith', 'Jones', 'Williams', 'Brown', 'Wilson', 'Taylor', 'Johnson', 'White', 'Martin', 'Anderson', 'Thompson',
  'Nguyen', 'Thomas', 'Walker', 'Harris', 'Lee', 'Ryan', 'Robinson', 'Kelly', 'King', 'Davis', 'Wright', 'Evans',
  'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Patel', 'Khan', 'Lewis', 'James', 'Phillips', 'Mitchell',
  'Campbell', 'Murphy', "O'Brien", "O'Connor", 'McDonald', 'MacKenzie', 'Fitzgerald', 'Sullivan', 'Chen', 'Wang',
  'Li', 'Zhang', 'Liu', 'Tran', 'Le', 'Pham', 'Singh', 'Sharma', 'Kaur', 'Kim', 'Park', 'Tanaka', 'Sato', 'Rossi',
  'Russo', 'Bianchi', 'Romano', 'Papadopoulos', 'Georgiou', 'Nikolaidis', 'Haddad', 'Hassan', 'Ali', 'Santos',
  'Fernandes', 'Novak', 'Kowalski', 'Müller', 'Schmidt', 'Van der Berg', 'de Silva', 'Fraser', 'Hughes', 'Edwards',
  'Baker', 'Cooper', 'Morgan', 'Bell', 'Ward', 'Watson', 'Gray', 'Stewart', 'Turner', 'Parker', 'Collins', 'Hayes',
  'Bennett', 'Carter', 'Dawson', 'Ellis', 'Gibson', 'Holmes', 'Jenkins', 'Lawson', 'Marshall', 'Nolan', 'Reid',
] as const;

export interface City {
  city: string;
  state: string;
  /** Postcodes used for this city (inclusive range). */
  postcodes: readonly [number, number];
  /** Landline prefix of the state's fictional range: +61 {area} 5550 xxxx. */
  area: string;
  weight: number;
}

/** The store is in Sydney, so most customers are local; the rest came through the online store or moved away. */
export const CITIES: readonly City[] = [
  { city: 'Sydney', state: 'NSW', postcodes: [2000, 2234], area: '2', weight: 46 },
  { city: 'Parramatta', state: 'NSW', postcodes: [2150, 2151], area: '2', weight: 6 },
  { city: 'Newcastle', state: 'NSW', postcodes: [2289, 2300], area: '2', weight: 5 },
  { city: 'Wollongong', state: 'NSW', postcodes: [2500, 2500], area: '2', weight: 4 },
  { city: 'Gosford', state: 'NSW', postcodes: [2250, 2250], area: '2', weight: 3 },
  { city: 'Canberra', state: 'ACT', postcodes: [2600, 2617], area: '2', weight: 5 },
  { city: 'Melbourne', state: 'VIC', postcodes: [3000, 3207], area: '3', weight: 10 },
  { city: 'Geelong', state: 'VIC', postcodes: [3220, 3220], area: '3', weight: 1 },
  { city: 'Brisbane', state: 'QLD', postcodes: [4000, 4179], area: '7', weight: 7 },
  { city: 'Gold Coast', state: 'QLD', postcodes: [4217, 4230], area: '7', weight: 4 },
  { city: 'Perth', state: 'WA', postcodes: [6000, 6164], area: '8', weight: 4 },
  { city: 'Adelaide', state: 'SA', postcodes: [5000, 5098], area: '8', weight: 3 },
  { city: 'Hobart', state: 'TAS', postcodes: [7000, 7018], area: '3', weight: 2 },
];

export const STREETS = [
  'George Street', 'Pitt Street', 'Oxford Street', 'King Street', 'Crown Street', 'Victoria Road', 'Pacific Highway',
  'Military Road', 'Bourke Street', 'Collins Street', 'Queen Street', 'Hay Street', 'Rundle Street', 'Elizabeth Street',
  'Church Street', 'Beach Road', 'Wattle Avenue', 'Banksia Crescent', 'Jacaranda Drive', 'Eucalyptus Way',
  'Harbour Street', 'Station Street', 'High Street', 'Park Road', 'Railway Parade',
] as const;

export const EMAIL_DOMAINS = [
  ['example.com', 50],
  ['example.net', 25],
  ['example.org', 25],
] as const;

export const STORE_LOCATIONS = [
  ['Sydney CBD', 55],
  ['Bondi Junction', 20],
  ['Chatswood', 15],
  ['Online', 10],
] as const;

export type Metal = 'platinum' | 'yellow_gold' | 'white_gold' | 'rose_gold' | 'silver' | 'titanium' | 'none';

export const METAL_LABEL: Record<Metal, string> = {
  platinum: 'platinum',
  yellow_gold: '18ct yellow gold',
  white_gold: '18ct white gold',
  rose_gold: '18ct rose gold',
  silver: 'sterling silver',
  titanium: 'titanium',
  none: '',
};

export interface Department {
  department: string;
  /** Share of sale lines: most of a jeweller's sales are small gifts and repairs, few are rings or diamonds. */
  weight: number;
  /**
   * Ticket prices in whole dollars (AUD): log-normal around `median` with log-spread `spread`, kept within
   * `[low, high]`. Medians follow what an Australian independent jeweller rings up (an engagement ring around $3,800,
   * a charm under $100), so a sale over $5,000 is rare outside engagement rings and diamonds.
   */
  price: { readonly low: number; readonly median: number; readonly high: number; readonly spread: number };
  metals: readonly (readonly [Metal, number])[];
  items: readonly string[];
}

export const DEPARTMENTS: readonly Department[] = [
  {
    department: 'engagement_rings',
    weight: 2,
    price: { low: 1200, median: 3800, high: 30000, spread: 0.55 },
    metals: [['platinum', 35], ['white_gold', 30], ['yellow_gold', 20], ['rose_gold', 15]],
    items: ['solitaire engagement ring', 'halo engagement ring', 'three-stone engagement ring', 'oval cut engagement ring', 'emerald cut engagement ring', 'vintage-style engagement ring'],
  },
  {
    department: 'wedding_bands',
    weight: 5,
    price: { low: 300, median: 1100, high: 5000, spread: 0.5 },
    metals: [['platinum', 25], ['white_gold', 25], ['yellow_gold', 25], ['rose_gold', 10], ['titanium', 15]],
    items: ['classic comfort-fit wedding band', 'diamond-set wedding band', 'brushed wedding band', 'curved wedding band', 'eternity band'],
  },
  {
    department: 'diamonds',
    weight: 3,
    price: { low: 500, median: 1800, high: 35000, spread: 0.75 },
    metals: [['none', 60], ['platinum', 20], ['white_gold', 20]],
    items: ['loose round brilliant diamond', 'diamond tennis bracelet', 'diamond stud earrings', 'diamond pendant', 'loose oval diamond'],
  },
  {
    department: 'watches',
    weight: 6,
    price: { low: 150, median: 650, high: 20000, spread: 0.85 },
    metals: [['none', 40], ['titanium', 25], ['yellow_gold', 15], ['rose_gold', 10], ['silver', 10]],
    items: ["men's automatic watch", "ladies' dress watch", 'chronograph watch', 'dive watch', 'quartz watch'],
  },
  {
    department: 'pearls',
    weight: 6,
    price: { low: 90, median: 420, high: 6000, spread: 0.7 },
    metals: [['yellow_gold', 40], ['white_gold', 30], ['silver', 30]],
    items: ['South Sea pearl strand', 'freshwater pearl studs', 'Akoya pearl necklace', 'pearl drop earrings', 'baroque pearl pendant'],
  },
  {
    department: 'charms',
    weight: 20,
    price: { low: 29, median: 79, high: 350, spread: 0.45 },
    metals: [['silver', 70], ['yellow_gold', 15], ['rose_gold', 15]],
    items: ['heart charm', 'initial charm', 'birthstone charm', 'Sydney Harbour Bridge charm', 'koala charm', 'charm bracelet'],
  },
  {
    department: 'earrings',
    weight: 16,
    price: { low: 39, median: 190, high: 4500, spread: 0.75 },
    metals: [['yellow_gold', 30], ['white_gold', 25], ['rose_gold', 15], ['silver', 30]],
    items: ['hoop earrings', 'stud earrings', 'drop earrings', 'huggie earrings', 'sapphire earrings'],
  },
  {
    department: 'necklaces',
    weight: 14,
    price: { low: 49, median: 260, high: 8000, spread: 0.8 },
    metals: [['yellow_gold', 35], ['white_gold', 20], ['rose_gold', 15], ['silver', 30]],
    items: ['curb chain necklace', 'locket necklace', 'solitaire pendant', 'tennis necklace', 'bar necklace'],
  },
  {
    department: 'repairs',
    weight: 12,
    price: { low: 20, median: 75, high: 450, spread: 0.6 },
    metals: [['yellow_gold', 30], ['white_gold', 25], ['platinum', 10], ['silver', 25], ['none', 10]],
    items: ['ring resize', 'chain solder', 'claw re-tip', 'rhodium plating', 'watch battery and reseal', 'pearl re-string'],
  },
];

export const REPAIR_JOBS = [
  'Resize engagement ring', 'Solder broken chain', 'Re-tip four claws', 'Rhodium plate wedding band', 'Replace watch battery',
  'Re-string pearl strand', 'Replace lost stone', 'Polish and clean', 'Repair clasp', 'Service automatic watch',
] as const;

export const APPOINTMENT_PURPOSES = [
  'Engagement ring consultation', 'Wedding band fitting', 'Ring sizing', 'Valuation', 'Bespoke design', 'Repair pick-up',
  'Watch service consultation', 'Pearl re-string quote',
] as const;

export const TAGS = [
  ['vip', 6], ['bridal', 10], ['watch-collector', 4], ['pearl-lover', 4], ['corporate-gifting', 3], ['referral', 6],
  ['instagram', 7], ['walk-in', 12], ['bespoke', 4], ['online', 8],
] as const;

export const CATEGORIES = ['Bridal', 'Collector', 'Gift buyer', 'Repairs only', 'Trade'] as const;

/** Spelled as the POS shows them, since `{{ customer.loyalty_tier }}` prints them in emails ("your Gold benefits"). */
export const LOYALTY_TIERS = [
  ['Silver', 60],
  ['Gold', 30],
  ['Platinum', 10],
] as const;

export const REFUND_REASONS = ['Changed mind', 'Wrong size', 'Faulty clasp', 'Duplicate gift', 'Price adjustment'] as const;

export const PAYMENT_METHODS = ['card', 'cash', 'transfer'] as const;
