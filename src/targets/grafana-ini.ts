import { ConfigError } from '../domain/errors.js'
import { checkValue } from './values.js'

/**
 * grafana.ini as Grafana reads it: gopkg.in/ini.v1 with default LoadOptions (grafana/grafana pkg/setting/setting.go
 * `ini.Load`), whose value rules are go-ini parser.go readValue (go-ini/ini@b2f570e5): leading and trailing white
 * space is trimmed, `#` or `;` anywhere in a bare value starts a comment, a trailing `\` continues the line, one pair
 * of surrounding quotes is dropped, and a value opening with a backtick or `"""` runs to the last one on the line,
 * taken literally. After loading, Grafana expands `${VAR}`, `$__env{VAR}` and `$__file{path}` in every value
 * (pkg/setting/expanders.go), which no quoting prevents.
 */

// Go's unicode.IsSpace (the runes strings.TrimSpace removes).
const SPACES = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000'
const GO_SPACE = new RegExp(`[${SPACES}]`)
const LEADING_SPACE = new RegExp(`^[${SPACES}]+`)
const TRAILING_SPACE = new RegExp(`[${SPACES}]+$`)
const EXPANDER = /\$(?:__\w+)?\{[^}]+\}/
// eslint-disable-next-line no-control-regex -- a line-based format cannot carry control characters
const CONTROL = /[\u0000-\u001F\u007F]/

/** Refuses what Grafana would read back differently in any form (ini or GF_ env): expander syntax. */
export function checkGrafanaValue(name: string, value: string): string {
  checkValue(name, value)
  if (EXPANDER.test(value)) {
    throw new ConfigError(`could not render ${name}: Grafana would expand the \${…} in it as a variable`, {
      hint: 'Grafana expands ${VAR}, $__env{…} and $__file{…} in every setting; no quoting prevents it',
    })
  }
  return value
}

/** Whether go-ini reads the text back unchanged when written bare. */
function isBare(value: string): boolean {
  if (value === '' || GO_SPACE.test(value[0] as string) || GO_SPACE.test(value[value.length - 1] as string)) {
    return value === ''
  }
  if (/[#;`]/.test(value) || value.startsWith('"') || value.endsWith('\\')) {
    return false
  }
  const surrounded = (q: string): boolean => value.length >= 2 && value.startsWith(q) && value.endsWith(q)
  return !surrounded("'")
}

/** One value as go-ini reads it back exactly: bare when plain, else in backticks, else in triple quotes. */
export function iniValue(name: string, value: string): string {
  checkGrafanaValue(name, value)
  if (CONTROL.test(value)) {
    throw new ConfigError(`could not render ${name} in grafana.ini: it contains a line break or control character`)
  }
  if (isBare(value)) {
    return value
  }
  // go-ini: a value opening with ` runs to the last ` on the line, literally; with """ to the last """.
  return value.includes('`') ? `"""${value}"""` : `\`${value}\``
}

/** Reads one value the way go-ini's readValue does (single-line values; continuation lines are joined by the caller). */
export function readIniValue(raw: string): string {
  const line = raw.replace(LEADING_SPACE, '')
  if (line === '') {
    return ''
  }
  for (const quote of ['"""', '`']) {
    if (line.startsWith(quote) && (quote === '`' || line.length > 3)) {
      const rest = line.slice(quote.length)
      const pos = rest.lastIndexOf(quote)
      return pos === -1 ? rest : rest.slice(0, pos)
    }
  }
  let value = line.replace(TRAILING_SPACE, '')
  const comment = value.search(/[#;]/)
  if (comment > -1) {
    value = value.slice(0, comment).replace(TRAILING_SPACE, '')
  }
  for (const q of ["'", '"']) {
    if (value.length >= 2 && value.startsWith(q) && value.endsWith(q) && value.indexOf(q, 1) === value.length - 1) {
      return value.slice(1, -1)
    }
  }
  return value
}

/** A key statement in a section: where its value starts and its statement ends. */
interface KeyLine {
  section: string
  key: string
  start: number
  valueStart: number
  end: number
}

/** Sections (names as written, lower-cased for matching) and key statements, with multi-line values spanned. */
function scan(text: string): { keys: KeyLine[]; sections: Array<{ name: string; headerEnd: number; end: number }> } {
  const keys: KeyLine[] = []
  const sections: Array<{ name: string; headerEnd: number; end: number }> = [{ name: '', headerEnd: 0, end: text.length }]
  let pos = 0
  const lineEnd = (from: number): number => {
    const i = text.indexOf('\n', from)
    return i === -1 ? text.length : i
  }
  while (pos < text.length) {
    const end = lineEnd(pos)
    const line = text.slice(pos, end)
    const trimmed = line.trim()
    const header = /^\[([^\]]*)\]/.exec(trimmed)
    if (header) {
      ;(sections[sections.length - 1] as { end: number }).end = pos
      sections.push({ name: (header[1] as string).trim().toLowerCase(), headerEnd: end === text.length ? end : end + 1, end: text.length })
    } else if (trimmed !== '' && !trimmed.startsWith('#') && !trimmed.startsWith(';')) {
      const m = /^([ \t]*)([^=:\s][^=:]*?)[ \t]*[=:][ \t]*/.exec(line)
      if (m) {
        const valueStart = pos + m[0].length
        let stop = end
        const value = text.slice(valueStart, end)
        const opener = value.startsWith('"""') ? '"""' : value.startsWith('`') ? '`' : undefined
        if (opener && value.slice(opener.length).lastIndexOf(opener) === -1) {
          // A quoted value spanning lines: up to the line holding the closing quote.
          const close = text.indexOf(opener, valueStart + opener.length)
          stop = close === -1 ? text.length : lineEnd(close)
        } else if (!opener) {
          while (text.slice(pos, stop).trimEnd().endsWith('\\') && stop < text.length) {
            stop = lineEnd(stop + 1)
          }
        }
        keys.push({ section: (sections[sections.length - 1] as { name: string }).name, key: (m[2] as string).trim(), start: pos, valueStart, end: stop })
        pos = stop + 1
        continue
      }
    }
    pos = end + 1
  }
  return { keys, sections }
}

/** Reads a key of a section (section names match case-insensitively, as Grafana's sections are lower case). */
export function getIniValue(text: string, section: string, key: string): string | undefined {
  const found = scan(text).keys.filter((k) => k.section === section && k.key === key).pop()
  return found === undefined ? undefined : readIniValue(text.slice(found.valueStart, found.end).replace(/\\\n/g, ''))
}

/**
 * Sets keys of sections in an INI text in place: replaces each key's value (keeping the line's indentation and every
 * other line and comment), appends missing keys at the end of their section and missing sections at the end.
 * Values are given already serialized (iniValue).
 */
export function setIniValues(text: string, values: ReadonlyArray<readonly [section: string, key: string, value: string]>): string {
  const { keys, sections } = scan(text)
  const edits: Array<{ from: number; to: number; text: string }> = []
  const appended = new Map<string, string[]>()
  for (const [section, key, value] of values) {
    const found = keys.filter((k) => k.section === section && k.key === key)
    const last = found[found.length - 1]
    if (last) {
      // `key =` with nothing after it: keep the file's `key = value` spacing.
      const space = /[=:]$/.test(text.slice(last.start, last.valueStart)) ? ' ' : ''
      edits.push({ from: last.valueStart, to: last.end, text: space + value })
      // go-ini keeps the last of duplicate keys: earlier ones are removed so the file says one thing.
      for (const dup of found.slice(0, -1)) {
        edits.push({ from: dup.start, to: Math.min(dup.end + 1, text.length), text: '' })
      }
    } else {
      const list = appended.get(section) ?? []
      list.push(`${key} = ${value}\n`)
      appended.set(section, list)
    }
  }
  const missingSections: string[] = []
  for (const [section, lines] of appended) {
    const target = sections.filter((s) => s.name === section).pop()
    if (target) {
      // After the section's last statement, before the blank lines and comments that lead into the next one.
      const inside = keys.filter((k) => k.section === section && k.start < target.end && k.start >= target.headerEnd).pop()
      const at = inside ? Math.min(inside.end + 1, text.length) : target.headerEnd
      const prefix = at === text.length && text !== '' && !text.endsWith('\n') ? '\n' : ''
      edits.push({ from: at, to: at, text: prefix + lines.join('') })
    } else {
      missingSections.push(`[${section}]\n${lines.join('')}`)
    }
  }
  let out = text
  for (const edit of edits.sort((a, b) => b.from - a.from || b.to - a.to)) {
    out = out.slice(0, edit.from) + edit.text + out.slice(edit.to)
  }
  if (missingSections.length) {
    out += (out === '' || out.endsWith('\n\n') ? '' : out.endsWith('\n') ? '\n' : '\n\n') + missingSections.join('\n')
  }
  return out.endsWith('\n') || out === '' ? out : `${out}\n`
}

/** Checks a text is INI go-ini would load: every non-comment line a section header or a key statement. */
export function checkIni(file: string, text: string): void {
  let inQuote: string | undefined
  for (const [i, line] of text.split('\n').entries()) {
    const t = line.trim()
    if (inQuote) {
      if (line.includes(inQuote)) {
        inQuote = undefined
      }
      continue
    }
    if (t === '' || t.startsWith('#') || t.startsWith(';') || /^\[[^\]]*\]/.test(t)) {
      continue
    }
    const m = /^[^=:\s][^=:]*[=:][ \t]*(.*)$/.exec(t)
    if (!m) {
      throw new ConfigError(`could not parse ${file} as INI: line ${i + 1} is neither a [section] nor key = value`, {
        hint: `fix ${file}, or render to a new file without --merge`,
      })
    }
    const value = m[1] as string
    for (const q of ['"""', '`']) {
      if (value.startsWith(q) && value.slice(q.length).lastIndexOf(q) === -1) {
        inQuote = q
      }
    }
  }
}
