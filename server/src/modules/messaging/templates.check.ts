import { Context, Liquid, type Template } from 'liquidjs';
import { checkTemplate, compileTemplate, TemplateError, type TemplateIssue, type TemplateSource } from './render.ts';

/** A variable the template uses that the data given does not have (a warning: it renders empty). */
export interface MissingVariable {
  part: TemplateIssue['part'];
  /** Where it is used first, in the source as typed (1-based). */
  line: number | null;
  column: number | null;
  /** The dotted path, e.g. `cart.checkout_url` or `item.image_url`. */
  variable: string;
  message: string;
}

// MJML validates attribute values (colours, sizes) before Liquid has filled them in: a value that is
// Liquid (`background-color="{{ brand }}"`) is checked when it is sent, not refused when it is saved.
const LIQUID_VALUE = /invalid value:.*(\{\{|\{%)/;

/** Syntax problems of a template (Liquid in each part, MJML structure), with lines as typed. */
export async function templateIssues(src: TemplateSource): Promise<TemplateIssue[]> {
  return (await checkTemplate(src)).filter((i) => !LIQUID_VALUE.test(i.message));
}

// The check pass renders with strict variables, collecting every error instead of stopping at the
// first. `if`/`unless` tests and `| default` stay lenient: optional values are meant to be tested.
const checker = new Liquid({
  strictVariables: true,
  lenientIf: true,
  catchAllErrors: true,
  ownPropertyOnly: true,
  renderLimit: 2_000,
  memoryLimit: 50_000_000,
});
// A plain parser of the source as typed, to find where each missing variable is written.
const locator = new Liquid({ strictFilters: false });

interface LiquidLikeError {
  name?: string;
  message?: string;
  errors?: LiquidLikeError[];
  originalError?: { message?: string };
  token?: { getPosition?: () => [number, number] };
}

function flatten(e: LiquidLikeError, out: LiquidLikeError[] = []): LiquidLikeError[] {
  if (Array.isArray(e.errors)) for (const x of e.errors) flatten(x, out);
  else out.push(e);
  return out;
}

/** Where `path` (or a longer path through it) is first used in `source`, per LiquidJS's static analysis. */
function locate(source: string, path: string): { line: number; column: number } | null {
  let templates: Template[];
  try {
    templates = locator.parse(source);
  } catch {
    return null;
  }
  const analysis = locator.analyzeSync(templates, { partials: false });
  let best: { line: number; column: number } | null = null;
  for (const list of Object.values(analysis.variables)) {
    for (const v of list) {
      const segs: string[] = [];
      for (const s of v.segments) {
        if (typeof s !== 'string' && typeof s !== 'number') break;
        segs.push(String(s));
      }
      const dotted = segs.join('.');
      if (dotted !== path && !dotted.startsWith(path + '.')) continue;
      const at = { line: v.location.row, column: v.location.col };
      if (!best || at.line < best.line || (at.line === best.line && at.column < best.column)) best = at;
    }
  }
  return best;
}

/**
 * Renders a template once on `vars` and lists every variable it uses that `vars` lacks, with the
 * line it is written on. Template errors met while rendering (a filter on a wrong value, a runaway
 * loop) are thrown as a TemplateError.
 */
export async function missingVariables(src: TemplateSource, vars: Record<string, unknown>): Promise<MissingVariable[]> {
  const compiled = await compileTemplate(src);
  const out: MissingVariable[] = [];
  const failures: TemplateIssue[] = [];
  const seen = new Set<string>();
  for (const part of ['subject', 'preheader', 'body'] as const) {
    if (part === 'preheader' && src.format === 'text') continue;
    try {
      await checker.render(compiled[part], new Context(vars, checker.options, { strictVariables: true }, { liquid: checker }));
    } catch (e) {
      for (const err of flatten(e as LiquidLikeError)) {
        if (err.name === 'UndefinedVariableError') {
          const variable = /undefined variable: ([^,\s]+)/.exec(err.originalError?.message ?? err.message ?? '')?.[1] ?? '?';
          if (seen.has(`${part}\0${variable}`)) continue;
          seen.add(`${part}\0${variable}`);
          // MJML bodies are rendered from the compiled HTML: locate the variable in what was typed.
          const at = locate(src[part], variable) ?? (src.format === 'mjml' && part === 'body' ? null : pos(err));
          out.push({ part, line: at?.line ?? null, column: at?.column ?? null, variable, message: `“${variable}” is not defined for this customer: it renders empty` });
        } else {
          const at = src.format === 'mjml' && part === 'body' ? null : pos(err);
          failures.push({ part, line: at?.line ?? null, column: at?.column ?? null, message: String(err.message ?? err).replace(/, line:\d+, col:\d+/, '') });
        }
      }
    }
  }
  if (failures.length) throw new TemplateError(failures);
  return out.sort((a, b) => partOrder(a.part) - partOrder(b.part) || (a.line ?? 1e9) - (b.line ?? 1e9) || (a.column ?? 0) - (b.column ?? 0));
}

const partOrder = (p: TemplateIssue['part']): number => ['subject', 'preheader', 'body'].indexOf(p);

function pos(err: LiquidLikeError): { line: number; column: number } | null {
  const p = err.token?.getPosition?.();
  return p ? { line: p[0], column: p[1] } : null;
}

/** GSM-7 fits 160 characters in one SMS (153 per part when split); anything else is UCS-2 (70 / 67). */
export function smsParts(text: string): { characters: number; parts: number; unicode: boolean } {
  const gsm = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/.test(text);
  // ^ { } \ [ ~ ] | € take two GSM-7 septets.
  const characters = gsm ? [...text].reduce((n, ch) => n + ('^{}\\[~]|€'.includes(ch) ? 2 : 1), 0) : [...text].length;
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  return { characters, parts: characters === 0 ? 0 : characters <= single ? 1 : Math.ceil(characters / multi), unicode: !gsm };
}
