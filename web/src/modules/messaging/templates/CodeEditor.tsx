import { useImperativeHandle, useMemo, useRef, type ReactNode, type Ref } from 'react';
import './templates.css';

export interface CodeMark {
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface CodeEditorHandle {
  /** Puts the caret at a line (and column) and scrolls it into view. */
  jumpTo(line: number, column?: number | null): void;
  focus(): void;
  /** Replaces the selection with `text` (as typed: undo works) and leaves the caret after it. */
  insert(text: string): void;
}

const LINE = 20;
const PAD = 10;

/**
 * A code editor for templates: a plain textarea (native undo, selection, IME, accessibility) over a
 * layer that shows the same text highlighted (Liquid, tags, attributes) and the lines with problems.
 */
export function CodeEditor(props: {
  value: string;
  onChange?: (v: string) => void;
  marks?: CodeMark[];
  height?: number | string;
  readOnly?: boolean;
  label: string;
  ref?: Ref<CodeEditorHandle>;
}): ReactNode {
  const input = useRef<HTMLTextAreaElement>(null);
  const layer = useRef<HTMLPreElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => props.value.split('\n').length, [props.value]);
  const byLine = useMemo(() => {
    const m = new Map<number, CodeMark>();
    for (const mark of props.marks ?? []) if (!m.has(mark.line) || mark.severity === 'error') m.set(mark.line, mark);
    return m;
  }, [props.marks]);
  const html = useMemo(() => highlight(props.value), [props.value]);

  const sync = () => {
    const t = input.current;
    if (!t) return;
    if (layer.current) layer.current.style.transform = `translate(${-t.scrollLeft}px, ${-t.scrollTop}px)`;
    if (gutter.current) gutter.current.scrollTop = t.scrollTop;
  };

  useImperativeHandle(props.ref, () => ({
    jumpTo(line, column) {
      const t = input.current;
      if (!t) return;
      const rows = t.value.split('\n');
      let offset = 0;
      for (let i = 0; i < Math.min(line - 1, rows.length); i++) offset += rows[i]!.length + 1;
      offset += Math.max(0, Math.min((column ?? 1) - 1, rows[line - 1]?.length ?? 0));
      t.focus();
      t.setSelectionRange(offset, offset);
      t.scrollTop = Math.max(0, (line - 1) * LINE - t.clientHeight / 3);
      // Long lines (MJML attributes): bring the column into view too. Monospace, so one width per character.
      const measure = document.createElement('canvas').getContext('2d');
      if (measure) {
        measure.font = getComputedStyle(t).font;
        const x = 12 + ((column ?? 1) - 1) * measure.measureText('0').width;
        t.scrollLeft = x < t.clientWidth - 40 ? 0 : Math.max(0, x - t.clientWidth / 2);
      }
      sync();
    },
    focus: () => input.current?.focus(),
    insert(text) {
      const t = input.current;
      if (!t || props.readOnly) return;
      t.focus();
      // execCommand keeps the browser's undo history; the fallback sets the value directly.
      if (!document.execCommand('insertText', false, text)) {
        const { selectionStart: s, selectionEnd: e } = t;
        props.onChange?.(t.value.slice(0, s) + text + t.value.slice(e));
        requestAnimationFrame(() => t.setSelectionRange(s + text.length, s + text.length));
      }
    },
  }));

  const onKeyDown = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    // Tab indents (two spaces) instead of leaving the editor; Escape then Tab still moves focus on.
    if (e.key !== 'Tab' || e.shiftKey || e.altKey || e.metaKey || e.ctrlKey || props.readOnly) return;
    e.preventDefault();
    const t = e.currentTarget;
    const { selectionStart: s, selectionEnd: end } = t;
    const next = t.value.slice(0, s) + '  ' + t.value.slice(end);
    props.onChange?.(next);
    requestAnimationFrame(() => t.setSelectionRange(s + 2, s + 2));
  };

  return (
    <div className="patron-code" style={{ height: props.height ?? 480 }}>
      <div className="patron-code-gutter" ref={gutter} aria-hidden>
        {Array.from({ length: lines }, (_, i) => {
          const m = byLine.get(i + 1);
          return (
            <div key={i} className={m ? `is-${m.severity}` : undefined} title={m?.message}>
              {i + 1}
            </div>
          );
        })}
        {/* Room for the textarea's horizontal scrollbar, so the last numbers stay in line. */}
        <div />
      </div>
      <div className="patron-code-main">
        <pre className="patron-code-layer" ref={layer} aria-hidden>
          {[...byLine.values()].map((m) => (
            <span key={m.line} className={`patron-code-line-${m.severity}`} style={{ top: PAD + (m.line - 1) * LINE }} />
          ))}
          <span className="patron-code-text" dangerouslySetInnerHTML={{ __html: html + '\n' }} />
        </pre>
        <textarea
          ref={input}
          className="patron-code-input"
          aria-label={props.label}
          value={props.value}
          onChange={(e) => props.onChange?.(e.currentTarget.value)}
          onScroll={sync}
          onKeyDown={onKeyDown}
          readOnly={props.readOnly}
          wrap="off"
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          autoComplete="off"
          data-gramm="false"
        />
      </div>
    </div>
  );
}

const esc = (s: string) => s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

/** Escaped HTML of the source with spans for Liquid, comments, tag names and attribute names. */
export function highlight(src: string): string {
  let out = '';
  const re = /(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\})|(<!--[\s\S]*?-->)|(<\/?[A-Za-z][\w:-]*)|(\s[A-Za-z_:][\w:.-]*)(?==)/g;
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    out += esc(src.slice(last, m.index));
    const cls = m[1] ? 'tok-liquid' : m[2] ? 'tok-comment' : m[3] ? 'tok-tag' : 'tok-attr';
    out += `<span class="${cls}">${esc(m[0])}</span>`;
    last = m.index + m[0].length;
  }
  return out + esc(src.slice(last));
}
