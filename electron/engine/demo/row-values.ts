import type { ModelColumn, ModelTable } from './schema-model.ts';

const FIRST = [
  'Anna',
  'Ben',
  'Chloé',
  'David',
  'Elif',
  'Farah',
  'Gustav',
  'Hiro',
  'Ines',
  'Jonas',
  'Kofi',
  'Lena',
  'Mateo',
  'Nadia',
  'Oscar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Viktor',
  'Wei',
  'Yara',
  'Zoë',
];
const LAST = [
  'Andersen',
  'Brown',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Hansen',
  'Ito',
  'Jansen',
  'Kowalski',
  'López',
  'Müller',
  'Nakamura',
  "O'Neill",
  'Petrov',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Usman',
  'Vargas',
  'Weber',
  'Yilmaz',
  'Zhang',
];
const COMPANIES = [
  'Acme Corp',
  'Globex',
  'Initech',
  'Umbrella Retail',
  'Stark Components',
  'Wayne Logistics',
  'Hooli',
  'Vandelay Imports',
  'Soylent Foods',
  'Tyrell Systems',
  'Cyberdyne Parts',
  'Wonka Confectionery',
  'Oceanic Freight',
  'Nordwind AB',
  'Sakura Trading',
  'Café Lumière SARL',
];
const CITIES = [
  'Berlin',
  'Lisbon',
  'Toronto',
  'Osaka',
  'Austin',
  'Lyon',
  'Kraków',
  'Manchester',
  'São Paulo',
  'Melbourne',
  'Rotterdam',
  'Zürich',
  'Chicago',
  'Dublin',
  'Seoul',
];
const COUNTRIES: [string, string, string][] = [
  ['US', 'USA', 'United States'],
  ['DE', 'DEU', 'Germany'],
  ['FR', 'FRA', 'France'],
  ['GB', 'GBR', 'United Kingdom'],
  ['JP', 'JPN', 'Japan'],
  ['CA', 'CAN', 'Canada'],
  ['BR', 'BRA', 'Brazil'],
  ['AU', 'AUS', 'Australia'],
  ['NL', 'NLD', 'Netherlands'],
  ['ES', 'ESP', 'Spain'],
  ['IT', 'ITA', 'Italy'],
  ['PL', 'POL', 'Poland'],
  ['SE', 'SWE', 'Sweden'],
  ['CH', 'CHE', 'Switzerland'],
  ['IE', 'IRL', 'Ireland'],
  ['KR', 'KOR', 'South Korea'],
  ['IN', 'IND', 'India'],
  ['MX', 'MEX', 'Mexico'],
  ['PT', 'PRT', 'Portugal'],
  ['TR', 'TUR', 'Türkiye'],
];
const CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'JPY',
  'CAD',
  'BRL',
  'AUD',
  'CHF',
  'SEK',
  'PLN',
  'KRW',
  'INR',
  'MXN',
  'TRY',
  'CNY',
  'DKK',
  'NOK',
  'NZD',
  'SGD',
  'ZAR',
];
const STATUSES = ['OPEN', 'PENDING', 'APPROVED', 'SHIPPED', 'INVOICED', 'CLOSED', 'CANCELLED', 'ON_HOLD'];
const WORDS = [
  'quarterly',
  'review',
  'north',
  'pallet',
  'premium',
  'standard',
  'delayed',
  'invoice',
  'discount',
  'bulk',
  'express',
  'return',
  'warranty',
  'steel',
  'organic',
  'wireless',
  'ledger',
  'audit',
  'backlog',
  'forecast',
];
const PRODUCTS = [
  'Steel bracket 40mm',
  'Wireless barcode scanner',
  'Organic coffee beans 1kg',
  'Pallet wrap film',
  'LED panel 60x60',
  'Ergonomic office chair',
  'Nitrile gloves (box of 100)',
  'Thermal label roll',
  'Hydraulic pump seal',
  'USB-C docking station',
];
const SUBJECTS = [
  'Order arrived damaged',
  'Invoice amount wrong',
  'Cannot log in to portal',
  'Refund not received',
  'Wrong item shipped',
  'Request for quote',
  'Delivery delayed',
  'Change billing address',
];
const CODE_LISTS: [RegExp, string[]][] = [
  [/prio/, ['P1', 'P2', 'P3', 'P4']],
  [/rtn_rsn|rsn_cd/, ['DAMAGED', 'WRONG_ITEM', 'NOT_NEEDED', 'LATE', 'DEFECTIVE']],
  [/typ_cd|chnl_cd|mthd_cd/, ['A', 'B', 'C', 'WEB', 'EMAIL', 'PHONE', 'CARD', 'BANK']],
  [/uom_cd/, ['EA', 'KG', 'BOX', 'PAL', 'L', 'M']],
  [
    /yr_mth/,
    [
      '2024-01',
      '2024-02',
      '2024-03',
      '2024-04',
      '2024-05',
      '2024-06',
      '2024-07',
      '2024-08',
      '2024-09',
      '2024-10',
      '2024-11',
      '2024-12',
    ],
  ],
  [/yr_qtr/, ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1']],
  [/seg_cd/, ['SMB', 'MID', 'ENT']],
  [/modl_cd/, ['SLS', 'INV', 'SUP', 'FIN', 'HR']],
];

export type RowValue = string | number | bigint | boolean | Buffer | null;

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function isoDate(random: () => number): string {
  const day = new Date(Date.UTC(2022, 0, 1) + Math.floor(random() * 1200) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

/**
 * A plausible value for a column of a generated table. Foreign keys point at existing rows (ids run 1..rows);
 * `rowsOf` gives the referenced table's row count.
 */
export function valueFor(
  table: ModelTable,
  column: ModelColumn,
  rowIndex: number,
  random: () => number,
  rowsOf: (table: string) => number,
): RowValue {
  if (column.kind === 'id') return rowIndex + 1;
  if (column.nullable && random() < 0.15) return null;
  if (column.ref) return 1 + Math.floor(random() * Math.max(1, rowsOf(column.ref)));
  const name = column.name.toLowerCase();
  switch (column.kind) {
    case 'int':
      if (/_yr$|^rvw_yr|fscl_yr/.test(name)) return 2020 + Math.floor(random() * 6);
      if (/scr$|rtg/.test(name)) return 1 + Math.floor(random() * 5);
      if (/_id$/.test(name)) return 1 + Math.floor(random() * 200);
      return Math.floor(random() * 1000);
    case 'big':
      // Beyond 2^53 on purpose: values must stay exact all the way to the grid.
      return 9_007_199_254_740_993n + BigInt(rowIndex) * 7n;
    case 'money':
      return (random() * 5000).toFixed(2);
    case 'pct':
      return (random() * 100).toFixed(2);
    case 'qty':
      return Math.floor(random() * 500);
    case 'date':
      return isoDate(random);
    case 'ts': {
      const seconds = Math.floor(random() * 86_400);
      const time = new Date(seconds * 1000).toISOString().slice(11, 19);
      return `${isoDate(random)} ${time}`;
    }
    case 'code': {
      if (table.name === 'ref_cntry')
        return name.startsWith('iso3')
          ? COUNTRIES[rowIndex % COUNTRIES.length]![1]
          : COUNTRIES[rowIndex % COUNTRIES.length]![0];
      for (const [pattern, list] of CODE_LISTS) if (pattern.test(name)) return pick(random, list);
      const prefix = name
        .replace(/_(cd|no|nbr)$/, '')
        .slice(0, 3)
        .toUpperCase();
      return `${prefix}-${String(rowIndex + 1).padStart(5, '0')}`;
    }
    case 'str':
      if (/desc/.test(name) && table.name.startsWith('inv')) return pick(random, PRODUCTS);
      if (/subj/.test(name)) return pick(random, SUBJECTS);
      if (/addr_ln|straße/.test(name))
        return `${1 + Math.floor(random() * 200)} ${pick(random, ['High Street', 'Rue de la Paix', 'Hauptstraße', 'Main St', 'Avenida Paulista'])}`;
      return `${pick(random, WORDS)} ${pick(random, WORDS)}`;
    case 'text':
      return Array.from({ length: 6 + Math.floor(random() * 10) }, () => pick(random, WORDS)).join(' ');
    case 'flag':
      return random() < 0.5;
    case 'email':
      return `${pick(random, FIRST).toLowerCase()}.${pick(random, LAST)
        .toLowerCase()
        .replace(/[^a-z]/g, '')}@example.com`;
    case 'phone':
      return `+1-555-${String(Math.floor(random() * 10_000)).padStart(4, '0')}`;
    case 'person':
      return name.includes('lst') ? pick(random, LAST) : pick(random, FIRST);
    case 'company':
      return `${pick(random, COMPANIES)}${rowIndex > 15 ? ` ${rowIndex}` : ''}`;
    case 'city':
      return pick(random, CITIES);
    case 'country':
      return COUNTRIES[rowIndex % COUNTRIES.length]![2];
    case 'currency':
      return CURRENCIES[rowIndex % CURRENCIES.length]!;
    case 'status':
      return pick(random, STATUSES);
    case 'uuid':
      return `${Math.floor(random() * 1e8)
        .toString(16)
        .padStart(8, '0')}-0000-4000-8000-${String(rowIndex).padStart(12, '0')}`;
    case 'blob':
      return Buffer.from(Array.from({ length: 16 + Math.floor(random() * 44) }, () => Math.floor(random() * 256)));
    default:
      return null;
  }
}
