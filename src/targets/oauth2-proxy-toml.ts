import { parse, TomlError } from 'smol-toml'
import { ConfigError } from '../domain/errors.js'
import { checkValue } from './values.js'

/**
 * The flat TOML of oauth2-proxy's legacy config file (`--config oauth2-proxy.cfg`, read by viper with
 * `SetConfigType("toml")` and pelletier/go-toml v2, a TOML 1.0 parser: oauth2-proxy/oauth2-proxy
 * pkg/apis/options/load.go@14af2951). Values are written by a serializer (basic strings with every control character
 * escaped), and existing files are edited in place: only the value of an owned top-level key is replaced, so every
 * other key, comment and the layout stay as they were. smol-toml (TOML 1.0) validates and reads the text.
 */

/** A value this tool places in the cfg file. */
export type TomlValue = string | boolean | string[]

/** Parses the text as TOML 1.0; a syntax error is a ConfigError naming the file. */
export function parseToml(file: string, text: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>
  } catch (error) {
    const message = error instanceof TomlError ? error.message.split('\n')[0] : String(error)
    throw new ConfigError(`could not parse ${file} as TOML: ${message ?? ''}`, {
      hint: `fix ${file}, or render to a new file without --merge`,
    })
  }
}

const SHORT: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', '"': '\\"', '\\': '\\\\' }

/** A TOML basic string that reads back as exactly `value` (TOML 1.0 §String: controls other than tab are escaped). */
export function tomlString(name: string, value: string): string {
  checkValue(name, value)
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  return `"${value.replace(/[\u0000-\u001F"\\\u007F]/g, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`)}"`
}

function tomlValue(name: string, value: TomlValue): string {
  if (typeof value === 'boolean') {
    return String(value)
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => tomlString(name, v)).join(', ')}]`
  }
  return tomlString(name, value)
}

/** Where one top-level `key = value` statement's value lies in the text. */
interface Span {
  key: string
  /** Start of the line. */
  line: number
  valueStart: number
  valueEnd: number
  /** End of the statement's last line (before its line break). */
  end: number
}

/** Skips a string starting at `i` (one of `"`, `'`, `"""`, `'''`) and returns the index after it. */
function skipString(text: string, i: number): number {
  const quote = text[i] as string
  const triple = text.startsWith(quote.repeat(3), i)
  let j = i + (triple ? 3 : 1)
  while (j < text.length) {
    if (quote === '"' && text[j] === '\\') {
      j += 2
      continue
    }
    if (triple ? text.startsWith(quote.repeat(3), j) : text[j] === quote) {
      // A multi-line string may end with up to two extra quotes (`""""` ends with one quote inside).
      let k = j + (triple ? 3 : 1)
      while (triple && text[k] === quote && k < j + 5) {
        k++
      }
      return k
    }
    if (!triple && text[j] === '\n') {
      break
    }
    j++
  }
  throw new ConfigError('unterminated string in TOML')
}

/** Returns the index after the value starting at `i`: a string, an array or inline table (nested), or a bare word. */
function skipValue(text: string, i: number): number {
  const c = text[i]
  if (c === '"' || c === "'") {
    return skipString(text, i)
  }
  if (c === '[' || c === '{') {
    let depth = 0
    let j = i
    while (j < text.length) {
      const d = text[j]
      if (d === '"' || d === "'") {
        j = skipString(text, j)
        continue
      }
      if (d === '#') {
        const eol = text.indexOf('\n', j)
        j = eol === -1 ? text.length : eol
        continue
      }
      if (d === '[' || d === '{') {
        depth++
      } else if (d === ']' || d === '}') {
        depth--
        if (depth === 0) {
          return j + 1
        }
      }
      j++
    }
    throw new ConfigError('unterminated array in TOML')
  }
  let j = i
  while (j < text.length && text[j] !== '\n' && text[j] !== '#') {
    j++
  }
  while (j > i && /[ \t\r]/.test(text[j - 1] as string)) {
    j--
  }
  return j
}

/** The top-level statements (before the first table header), in order; the index of that header, if any. */
function topLevel(text: string): { spans: Span[]; tablesAt: number } {
  const spans: Span[] = []
  let pos = 0
  while (pos < text.length) {
    const eol = text.indexOf('\n', pos)
    const lineEnd = eol === -1 ? text.length : eol
    const line = text.slice(pos, lineEnd)
    const trimmed = line.trimStart()
    if (trimmed.startsWith('[')) {
      return { spans, tablesAt: pos }
    }
    const m = /^[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*/.exec(line)
    if (m) {
      const valueStart = pos + m[0].length
      const valueEnd = skipValue(text, valueStart)
      const after = text.indexOf('\n', valueEnd)
      const end = after === -1 ? text.length : after
      spans.push({ key: m[1] as string, line: pos, valueStart, valueEnd, end })
      pos = end + 1
      continue
    }
    pos = lineEnd + 1
  }
  return { spans, tablesAt: -1 }
}

/**
 * Sets top-level keys of a TOML document's text in place: replaces the value of each key already there (keeping
 * its comment and every other line), removes the keys in `remove`, and inserts the rest before the first table (or
 * at the end). `file` names the text in errors; the text must already be valid TOML (parseToml).
 */
export function setTomlValues(
  file: string,
  text: string,
  values: ReadonlyArray<readonly [string, TomlValue]>,
  remove: readonly string[] = [],
): string {
  let spans: Span[]
  let tablesAt: number
  try {
    ;({ spans, tablesAt } = topLevel(text))
  } catch (error) {
    throw new ConfigError(`could not read ${file}: ${(error as Error).message}`, { hint: `fix ${file}, or render without --merge` })
  }
  const wanted = new Map(values.map(([key, value]) => [key, tomlValue(key, value)]))
  let out = ''
  let pos = 0
  const done = new Set<string>()
  for (const span of spans) {
    const value = wanted.get(span.key)
    if (value !== undefined && !done.has(span.key)) {
      out += text.slice(pos, span.valueStart) + value
      pos = span.valueEnd
      done.add(span.key)
    } else if (remove.includes(span.key)) {
      out += text.slice(pos, span.line)
      pos = text[span.end] === '\n' ? span.end + 1 : span.end
    }
  }
  const missing = [...wanted].filter(([key]) => !done.has(key)).map(([key, value]) => `${key} = ${value}\n`).join('')
  if (tablesAt >= 0 && pos <= tablesAt) {
    out += text.slice(pos, tablesAt) + missing + text.slice(tablesAt)
  } else {
    out += text.slice(pos)
    if (missing) {
      out += (out === '' || out.endsWith('\n') ? '' : '\n') + missing
    }
  }
  return out.endsWith('\n') || out === '' ? out : `${out}\n`
}

/** A top-level string value of parsed TOML, or undefined. */
export function tomlStringAt(doc: Record<string, unknown>, key: string): string | undefined {
  const value = doc[key]
  return typeof value === 'string' ? value : undefined
}
