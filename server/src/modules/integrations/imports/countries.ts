/**
 * Country names and codes as store exports write them, to ISO 3166-1 alpha-2. English names
 * come from ICU (Intl.DisplayNames), so every current code is known; the aliases add the names
 * ICU does not use (EIRE, RSA, USA, Czech Republic, Hong Kong, …). A region that is not one
 * country (European Community, Channel Islands: Jersey JE or Guernsey GG?) and "Unspecified"
 * map to null on purpose.
 */
const NOT_A_COUNTRY = new Set(['unspecified', 'unknown', 'european community', 'european union', 'eu', 'channel islands', 'n/a', '-', 'other', 'international', 'worldwide']);

const ALIASES: Record<string, string> = {
  eire: 'IE', 'republic of ireland': 'IE', rsa: 'ZA', usa: 'US', 'u.s.a.': 'US', 'u.s.': 'US', 'united states of america': 'US', america: 'US',
  uk: 'GB', 'u.k.': 'GB', 'great britain': 'GB', britain: 'GB', england: 'GB', scotland: 'GB', wales: 'GB', 'northern ireland': 'GB',
  'czech republic': 'CZ', 'hong kong': 'HK', macau: 'MO', macao: 'MO', korea: 'KR', 'republic of korea': 'KR', 'korea, republic of': 'KR',
  russia: 'RU', 'russian federation': 'RU', holland: 'NL', 'the netherlands': 'NL', uae: 'AE', 'viet nam': 'VN', 'taiwan, province of china': 'TW',
  'iran, islamic republic of': 'IR', 'ivory coast': 'CI', "cote d'ivoire": 'CI', 'côte d’ivoire': 'CI', 'cape verde': 'CV', swaziland: 'SZ', burma: 'MM',
  'turkey': 'TR', 'türkiye': 'TR', 'macedonia': 'MK', 'palestine': 'PS', 'vatican': 'VA', 'vatican city': 'VA', 'bosnia': 'BA', 'slovak republic': 'SK',
};

// ISO 3166-1 alpha-2, the officially assigned codes (2024), and XK (Kosovo) that stores use. ICU also names
// withdrawn and pseudo codes (DD, UK, EU, …): only these are looked up, so "Germany" is DE and never DD.
const ISO_CODES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ ' +
  'DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT ' +
  'JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG ' +
  'NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH ' +
  'TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK'
).split(' ');
const VALID_CODES = new Set(ISO_CODES);

let byName: Map<string, string> | undefined;

function table(): Map<string, string> {
  if (byName) return byName;
  byName = new Map();
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  for (const code of ISO_CODES) {
    const name = names.of(code);
    if (!name || name === code) continue;
    // "Hong Kong SAR China" → also "hong kong"; "Myanmar (Burma)" → also "myanmar".
    for (const n of [name, name.replace(/\s*\(.*\)$/, '').replace(/ SAR China$/, '')]) byName.set(n.toLowerCase(), code);
  }
  for (const [k, v] of Object.entries(ALIASES)) byName.set(k, v);
  return byName;
}

/**
 * The alpha-2 code for a country name or code; null for "no country" (empty, Unspecified,
 * European Community, …); undefined when the name is not recognised.
 */
export function countryCode(raw: string): string | null | undefined {
  const t = raw.trim();
  if (!t) return null;
  const lower = t.toLowerCase();
  if (NOT_A_COUNTRY.has(lower)) return null;
  if (/^[A-Za-z]{2}$/.test(t)) {
    const code = t.toUpperCase();
    if (VALID_CODES.has(code)) return code;
    return code === 'UK' ? 'GB' : undefined;
  }
  return table().get(lower) ?? table().get(lower.replace(/^the /, ''));
}
