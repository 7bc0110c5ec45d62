import { ConfigError } from '../domain/errors.js'
import { checkValue } from './values.js'

// httpd 2.4 reads config lines into a buffer of at most 16 MiB (ap_varbuf_cfg_getline in server/config.c; Debian's
// 2.4 answers "Line too long" just above 16 777 216 bytes).
const MAX_LINE_BYTES = 16 * 1024 * 1024 - 2
// eslint-disable-next-line no-control-regex -- the control characters a config line cannot carry are the point
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/

/**
 * Quotes one directive argument for Apache httpd: double quotes, with `\` and `"` escaped as `\\` and `\"`, which
 * is exactly what ap_getword_conf/substring_conf undo (httpd server/util.c). Refused with a ConfigError: line
 * breaks and control characters (one directive is one line), and `${…}`, which httpd replaces with a Define or an
 * environment variable before any directive sees it (ap_resolve_env, server/config.c) and which has no escape.
 */
export function apacheQuote(name: string, value: string): string {
  checkValue(name, value)
  if (value === '') {
    // ap_getword_conf returns "" both for `""` and for the end of the line: a TAKE1 directive then has no argument.
    throw new ConfigError(`could not render ${name} for Apache: it is empty`)
  }
  if (CONTROL.test(value)) {
    throw new ConfigError(`could not render ${name} for Apache: it contains a line break or control character`, {
      hint: 'an Apache directive is one line; remove the character from the value',
    })
  }
  if (/\$\{[^}]*\}/.test(value)) {
    throw new ConfigError(`could not render ${name} for Apache: it contains \${…}, which httpd replaces with a variable`, {
      hint: 'httpd has no escape for ${…} in a directive; pass the value through an environment variable instead',
    })
  }
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/** One directive line; refuses a line longer than httpd reads. */
export function directiveLine(name: string, args: string[]): string {
  const line = [name, ...args].join(' ')
  if (new TextEncoder().encode(line).length > MAX_LINE_BYTES) {
    throw new ConfigError(`could not render ${name} for Apache: the line is longer than the 16 MiB httpd reads`)
  }
  return line
}

interface Line {
  text: string
  /** Directive name of a top-level (outside any container) directive line, lower-cased. */
  directive?: string | undefined
}

/** Splits a config into logical lines (joining `\` continuations) and marks the top-level directives. */
function lines(text: string): Line[] {
  const raw = text.split('\n')
  const out: Line[] = []
  let depth = 0
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i] ?? ''
    while (line.endsWith('\\') && i + 1 < raw.length) {
      line += `\n${raw[++i] ?? ''}`
    }
    const trimmed = line.trim()
    let directive: string | undefined
    if (trimmed.startsWith('</')) {
      depth = Math.max(0, depth - 1)
    } else if (trimmed.startsWith('<')) {
      depth++
    } else if (depth === 0 && trimmed !== '' && !trimmed.startsWith('#')) {
      directive = trimmed.split(/\s/, 1)[0]?.toLowerCase()
    }
    out.push({ text: line, directive })
  }
  return out
}

/** The raw arguments of the first top-level directive `name`, or undefined. */
export function directiveArgs(text: string, name: string): string | undefined {
  const found = lines(text).find((l) => l.directive === name.toLowerCase())
  return found ? found.text.trim().slice(name.length).trim() : undefined
}

/**
 * Reads one argument as httpd does (ap_getword_conf, server/util.c): a quoted word up to the matching quote, with
 * `\\` and `\<quote>` unescaped, or a bare word up to white space. Returns the word and the rest.
 */
export function getWordConf(line: string): [string, string] {
  let s = line.replace(/^\s+/, '')
  const quote = s[0]
  let end: number
  let body: string
  if (quote === '"' || quote === "'") {
    end = 1
    while (end < s.length && s[end] !== quote) {
      end += s[end] === '\\' && (s[end + 1] === quote || s[end + 1] === '\\') ? 2 : 1
    }
    body = s.slice(1, end)
    if (s[end] === quote) {
      end++
    }
  } else {
    end = 0
    while (end < s.length && !/\s/.test(s[end] ?? '')) {
      end++
    }
    body = s.slice(0, end)
  }
  let word = ''
  for (let i = 0; i < body.length; i++) {
    const next = body[i + 1]
    if (body[i] === '\\' && (next === '\\' || (quote === '"' || quote === "'" ? next === quote : false))) {
      word += next
      i++
    } else {
      word += body[i]
    }
  }
  s = s.slice(end).replace(/^\s+/, '')
  return [word, s]
}

/** The first argument of a top-level directive as httpd reads it, or undefined. */
export function directiveValue(text: string, name: string): string | undefined {
  const args = directiveArgs(text, name)
  return args === undefined || args === '' ? undefined : getWordConf(args)[0]
}

/**
 * Sets top-level directives in a config's text: replaces the first line of each (dropping repeats), keeps every
 * other line, container and comment, and appends the missing ones after the last directive set (or at the end).
 */
export function setDirectives(text: string, values: ReadonlyArray<readonly [string, string]>): string {
  const wanted = new Map(values.map(([name, line]) => [name.toLowerCase(), line]))
  const done = new Set<string>()
  const out: string[] = []
  let insertAt = -1
  for (const line of lines(text)) {
    const replacement = line.directive === undefined ? undefined : wanted.get(line.directive)
    if (replacement === undefined) {
      out.push(line.text)
      continue
    }
    if (!done.has(line.directive as string)) {
      out.push(replacement)
      done.add(line.directive as string)
      insertAt = out.length
    }
  }
  const missing = [...wanted.entries()].filter(([name]) => !done.has(name)).map(([, line]) => line)
  if (missing.length > 0) {
    if (insertAt === -1) {
      while (out.length > 0 && out[out.length - 1] === '') {
        out.pop()
      }
      insertAt = out.length
    }
    out.splice(insertAt, 0, ...missing)
  }
  const joined = out.join('\n')
  return joined.endsWith('\n') ? joined : `${joined}\n`
}
