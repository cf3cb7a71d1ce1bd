/** Countries, time zones and currencies for pickers, named in the browser's language. */

// ISO 3166-1 alpha-2 codes in use.
const COUNTRY_CODES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ ' +
  'DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT ' +
  'JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI ' +
  'NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK ' +
  'TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
).split(' ');

function displayNames(type: 'region' | 'currency' | 'language'): Intl.DisplayNames | undefined {
  try {
    return new Intl.DisplayNames(undefined, { type });
  } catch {
    return undefined;
  }
}

const regionNames = displayNames('region');
const currencyNames = displayNames('currency');

/** "GB" → "United Kingdom" (the code itself when the browser has no name for it). */
export function countryName(code: string | null | undefined): string {
  if (!code) return '—';
  try {
    return regionNames?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

let countries: { value: string; label: string }[] | undefined;
/** Every country as a Select option ("United Kingdom (GB)"), sorted by name. */
export function countryOptions(): { value: string; label: string }[] {
  countries ??= COUNTRY_CODES.map((c) => ({ value: c, label: `${countryName(c)} (${c})` })).sort((a, b) => a.label.localeCompare(b.label));
  return countries;
}

let zones: string[] | undefined;
/** IANA time zones this browser knows (with UTC first). */
export function timeZones(): string[] {
  if (!zones) {
    let list: string[] = [];
    try {
      list = Intl.supportedValuesOf('timeZone');
    } catch {
      list = [];
    }
    zones = ['UTC', ...list.filter((z) => z !== 'UTC')];
  }
  return zones;
}

/** Currencies most stores use; any other ISO 4217 code can be typed (the server checks it). */
export const COMMON_CURRENCIES = [
  'USD', 'EUR', 'GBP', 'CAD', 'AUD', 'NZD', 'CHF', 'JPY', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'RON', 'BGN', 'TRY', 'ILS', 'AED', 'SAR', 'KWD', 'BHD', 'INR',
  'CNY', 'HKD', 'SGD', 'KRW', 'TWD', 'THB', 'MYR', 'IDR', 'PHP', 'VND', 'BRL', 'MXN', 'ARS', 'CLP', 'COP', 'PEN', 'ZAR', 'NGN', 'KES', 'EGP', 'MAD', 'UAH',
];

export function currencyName(code: string): string {
  try {
    return currencyNames?.of(code) ?? code;
  } catch {
    return code;
  }
}

/** Common BCP 47 locales for a customer's language. */
export const COMMON_LOCALES = ['en', 'en-GB', 'en-US', 'fr', 'fr-FR', 'de', 'de-DE', 'es', 'es-ES', 'it', 'nl', 'pt', 'pt-BR', 'sv', 'da', 'nb', 'fi', 'pl', 'cs', 'ja', 'zh', 'ko', 'ar', 'he', 'tr', 'ru'];
