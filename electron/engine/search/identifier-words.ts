import { stemmer } from 'stemmer';

/**
 * Real schemas name things `cust_acct_dt`, `amt_2`, `OrderDetailID`. These turn identifiers into words and expand the
 * abbreviations analysts meet every day, so that "customer account opening date" finds `cust_acct_dt`.
 */
const ABBREVIATION_ENTRIES = {
  acct: 'account',
  addr: 'address',
  adj: 'adjustment',
  agg: 'aggregate',
  amt: 'amount',
  ann: 'annual',
  ap: 'accounts payable',
  appr: 'approved',
  ar: 'accounts receivable',
  asgn: 'assigned',
  attrn: 'attrition',
  auth: 'author',
  avg: 'average',
  bak: 'backup',
  bal: 'balance',
  bdgt: 'budget',
  bkt: 'bucket',
  bklg: 'backlog',
  bnft: 'benefit',
  brch: 'breach',
  btch: 'batch',
  cap: 'capacity',
  carr: 'carrier',
  cat: 'category',
  cd: 'code',
  ccy: 'currency',
  chg: 'change',
  chnl: 'channel',
  clk: 'click',
  cls: 'close',
  clsd: 'closed',
  cmnt: 'comment',
  cmpgn: 'campaign',
  cmpl: 'completed',
  cmpnt: 'component',
  cmt: 'comment',
  cnt: 'count',
  cntct: 'contact',
  cntd: 'counted',
  cntrb: 'contribution',
  cntrct: 'contract',
  cntry: 'country',
  cnvrt: 'converted',
  co: 'company',
  comm: 'commission',
  cond: 'condition',
  conv: 'conversion',
  cr: 'credit',
  crs: 'course',
  crt: 'created',
  csat: 'customer satisfaction',
  csm: 'customer success manager',
  ctr: 'center',
  cust: 'customer',
  cvrg: 'coverage',
  cyc: 'cycle',
  daily: 'daily',
  dept: 'department',
  desc: 'description',
  dest: 'destination',
  dfct: 'defect',
  dflt: 'default',
  disc: 'discount',
  dlvr: 'delivery',
  dly: 'daily',
  dr: 'debit',
  dso: 'days sales outstanding',
  dt: 'date',
  emp: 'employee',
  enrl: 'enrollment',
  est: 'estimated',
  evt: 'event',
  exmpt: 'exempt',
  exp: 'expense',
  ext: 'external',
  fcst: 'forecast',
  fctr: 'factor',
  flg: 'flag',
  frst: 'first',
  frt: 'freight',
  fscl: 'fiscal',
  fte: 'full time equivalent',
  gl: 'general ledger',
  grs: 'gross',
  hdcnt: 'headcount',
  hdr: 'header',
  hgt: 'height',
  hist: 'history',
  hlth: 'health',
  hnd: 'hand',
  hq: 'headquarters',
  hrs: 'hours',
  id: 'identifier',
  idx: 'index',
  img: 'image',
  ind: 'industry',
  insp: 'inspection',
  inv: 'inventory',
  invc: 'invoice',
  itm: 'item',
  jrnl: 'journal',
  juris: 'jurisdiction',
  kb: 'knowledge base',
  kg: 'kilograms',
  lang: 'language',
  ld: 'loaded',
  len: 'length',
  ln: 'line',
  lmt: 'limit',
  loc: 'location',
  lst: 'last',
  lv: 'leave',
  lvl: 'level',
  mach: 'machine',
  mbr: 'member',
  mfg: 'manufacturing',
  mgr: 'manager',
  mins: 'minutes',
  mkt: 'marketing',
  mktg: 'marketing',
  modl: 'module',
  msg: 'message',
  mth: 'month',
  mthd: 'method',
  mthly: 'monthly',
  nbr: 'number',
  net: 'net',
  nm: 'name',
  no: 'number',
  num: 'number',
  op: 'operation',
  opn: 'open',
  ord: 'order',
  ot: 'overtime',
  otd: 'on time delivery',
  ownr: 'owner',
  parnt: 'parent',
  pct: 'percent',
  perf: 'performance',
  ph: 'phone',
  pkg: 'package',
  pl: 'price list',
  pli: 'price list item',
  pln: 'plan',
  plcs: 'places',
  pm: 'project manager',
  pmt: 'payment',
  po: 'purchase order',
  pol: 'policy',
  pos: 'position',
  pref: 'preferred',
  prc: 'price',
  prcsd: 'processed',
  prd: 'period',
  prio: 'priority',
  prj: 'project',
  prnt: 'parent',
  prod: 'product',
  prtnr: 'partner',
  pstd: 'posted',
  pstg: 'posting',
  pstl: 'postal',
  pub: 'published',
  pwd: 'password',
  qc: 'quality control',
  qty: 'quantity',
  qtr: 'quarter',
  qtrly: 'quarterly',
  rcpt: 'receipt',
  rcvd: 'received',
  ref: 'reference',
  rej: 'rejected',
  reord: 'reorder',
  rep: 'representative',
  req: 'request',
  reqd: 'required',
  resp: 'response',
  rev: 'revenue',
  rfnd: 'refund',
  rgn: 'region',
  rlsd: 'released',
  rma: 'return merchandise authorization',
  roi: 'return on investment',
  rsn: 'reason',
  rspd: 'responded',
  rsvd: 'reserved',
  rt: 'rate',
  rte: 'route',
  rtg: 'rating',
  rtn: 'return',
  rvw: 'review',
  rvwr: 'reviewer',
  sal: 'salary',
  scr: 'score',
  seg: 'segment',
  seq: 'sequence',
  shp: 'shipping',
  shpmt: 'shipment',
  sla: 'service level agreement',
  sls: 'sales',
  smpl: 'sample',
  snap: 'snapshot',
  so: 'sales order',
  src: 'source',
  stat: 'status',
  std: 'standard',
  stg: 'staging',
  stk: 'stock',
  strt: 'start',
  subj: 'subject',
  sup: 'support',
  svy: 'survey',
  sys: 'system',
  tbl: 'table',
  terr: 'territory',
  tgt: 'target',
  tkt: 'ticket',
  tm: 'time',
  tmp: 'temporary',
  tmpl: 'template',
  tot: 'total',
  trk: 'tracking',
  trng: 'training',
  ts: 'timestamp',
  ttl: 'title',
  turn: 'turnover',
  txn: 'transaction',
  txt: 'text',
  typ: 'type',
  uom: 'unit of measure',
  upd: 'updated',
  usr: 'user',
  val: 'value',
  var: 'variance',
  ver: 'version',
  vld: 'valid',
  vndr: 'vendor',
  wid: 'width',
  whse: 'warehouse',
  wo: 'work order',
  wrk: 'work',
  wt: 'weight',
  wthld: 'withheld',
  xchg: 'exchange',
  yr: 'year',
};

/**
 * A `Map`, never a plain object: the keys looked up are words of strangers' identifiers, and `constructor` or
 * `__proto__` must find nothing rather than `Object.prototype`'s members.
 */
const ABBREVIATIONS: ReadonlyMap<string, string> = new Map(Object.entries(ABBREVIATION_ENTRIES));

/** Abbreviations of a one-word expansion: "customer" -> [`cust`]; "amount" -> [`amt`]. */
const ABBREVIATIONS_OF: ReadonlyMap<string, readonly string[]> = (() => {
  const reverse = new Map<string, string[]>();
  for (const [abbreviation, expansion] of ABBREVIATIONS) {
    if (expansion.includes(' ')) continue;
    reverse.set(expansion, [...(reverse.get(expansion) ?? []), abbreviation]);
  }
  return reverse;
})();

/** The usual abbreviations of a word (`customer` -> `cust`), for finding it inside glued names such as `sbtxcustid`. */
export function abbreviationsOf(word: string): readonly string[] {
  return ABBREVIATIONS_OF.get(word) ?? [];
}

/** The expansion of an abbreviation (`cust` -> "customer"), or undefined for any other word. */
export function expandAbbreviation(word: string): string | undefined {
  return ABBREVIATIONS.get(word);
}

/** The singulars an English plural may have: `companies` -> `company`; `statuses` -> `status`, `statuse`; `orders` -> `order`. */
export function singularForms(word: string): string[] {
  if (word.endsWith('ies') && word.length > 4) return [`${word.slice(0, -3)}y`];
  if (word.endsWith('ses') || word.endsWith('xes')) return [word.slice(0, -2), word.slice(0, -1)];
  if (word.endsWith('s') && !word.endsWith('ss')) return [word.slice(0, -1)];
  return [];
}

/** Splits an identifier into lower-case words: snake_case, kebab, spaces, camelCase, digits. */
export function splitIdentifier(identifier: string): string[] {
  return identifier
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)|(\d)([A-Za-z])/g, (_match, a, b, c, d) => (a ? `${a} ${b}` : `${c} ${d}`))
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Words of an identifier with abbreviations expanded: `cust_acct_dt` -> "customer account date". */
export function expandIdentifier(identifier: string): string {
  return splitIdentifier(identifier)
    .filter((word) => !/^\d+$/.test(word))
    .map((word) => expandAbbreviation(word) ?? word)
    .join(' ');
}

/** Structural words that every document has; they carry no meaning for retrieval. */
const STOPWORDS = new Set([
  'table',
  'column',
  'type',
  'comment',
  'in',
  'of',
  'the',
  'a',
  'an',
  'and',
  'or',
  'to',
  'for',
  'by',
  'key',
  'not',
  'null',
  'references',
  'referenced',
  'columns',
  'more',
  'primary',
  'on',
  'is',
  'are',
  'with',
  'which',
  'what',
  'where',
  'how',
  'many',
  'show',
  'me',
  'list',
  'all',
  'per',
  'each',
  'from',
  'main',
  'public',
  'varchar',
  'integer',
  'int',
  'numeric',
  'text',
  'decimal',
  'bigint',
  'char',
]);

/** One word of a text for retrieval: its stem (what whole-word matches compare) and the word as written, lower case. */
export interface LexicalTerm {
  readonly stem: string;
  readonly surface: string;
}

/**
 * Porter stems (`businesses` and `business` -> `busi`, `transactions` -> `transact`): the same on both sides, so a
 * plural in the question finds a singular name. Short words and abbreviations are kept as they are.
 */
export function stemWord(word: string): string {
  return word.length > 3 ? stemmer(word) : word;
}

/** Words of free text or identifiers, abbreviations expanded (the query side needs it as much as documents). */
export function lexicalTerms(text: string): LexicalTerm[] {
  const terms: LexicalTerm[] = [];
  for (const raw of splitIdentifier(text)) {
    if (/^\d+$/.test(raw)) continue;
    const expanded = expandAbbreviation(raw);
    for (const word of (expanded ?? raw).split(' '))
      if (!STOPWORDS.has(word)) terms.push({ stem: stemWord(word), surface: expanded ? word : raw });
    if (expanded && !STOPWORDS.has(raw)) terms.push({ stem: raw, surface: raw });
  }
  return terms;
}

/** The stems of {@link lexicalTerms}. */
export function lexicalWords(text: string): string[] {
  return lexicalTerms(text).map((term) => term.stem);
}
