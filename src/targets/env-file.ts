import { ConfigError } from '../domain/errors.js'
import { checkValue } from './values.js'

/**
 * A value to set in an env file: literal text, or `inherit` — a bare `NAME` line whose value both readers take
 * from the environment of the process that reads the file (for secrets kept out of the file).
 */
export type EnvValue = string | { inherit: true }

/** The bare-name form of EnvValue: the reader takes the value from its own environment. */
export const INHERIT: EnvValue = { inherit: true }

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

// Go's unicode.IsSpace: compose-go trims these from the end of an unquoted value (dotenv/parser.go extractVarValue).
const GO_SPACE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/
// compose-go's isSpace (dotenv/parser.go): trimmed from the start of a value; docker keeps them.
const COMPOSE_LEADING_SPACE = /^[\t\v\f\r \u0085\u00A0]/
// bufio.MaxScanTokenSize (64 KiB): docker's scanner needs the line and its newline in one buffer.
const MAX_LINE_BYTES = 64 * 1024 - 1

/**
 * Why `NAME=value` cannot carry `value` for both of its readers, or undefined when it can. The two readers are
 * docker's `--env-file` (docker/cli pkg/kvfile/kvfile.go@28f75608: the text after the first `=` as-is, line by
 * line; no quote removal, no expansion, no escapes) and compose's `env_file:` / `--env-file` (compose-spec/compose-go
 * dotenv/parser.go@e70e961c: quotes stripped, `$` interpolated, ` #` starts a comment, spaces trimmed). A value
 * both read the same way is one compose reads literally when it is unquoted.
 */
export function envValueProblem(value: string, name = ''): string | undefined {
  if (/[\n\r]/.test(value)) {
    return 'it contains a line break (docker reads one line per variable)'
  }
  if (value.startsWith("'") || value.startsWith('"')) {
    return 'it starts with a quote, which compose strips and docker keeps'
  }
  if (value.includes('$')) {
    return 'it contains "$", which compose interpolates and docker keeps as is'
  }
  if (value.includes(' #')) {
    return 'it contains " #", which starts a comment for compose but not for docker'
  }
  if (COMPOSE_LEADING_SPACE.test(value) || (value !== '' && GO_SPACE.test(value.at(-1) ?? ''))) {
    return 'it starts or ends with white space, which compose trims and docker keeps'
  }
  if (new TextEncoder().encode(`${name}=${value}`).length > MAX_LINE_BYTES) {
    return 'it is longer than the 64 KiB line docker reads'
  }
  return undefined
}

/**
 * Writes one env value so that docker's `--env-file` and compose's `env_file:` both read back exactly the given
 * text: always bare (a quote would be stripped by one and kept by the other). A value they cannot both carry is
 * refused with a ConfigError giving the reason. `inherit` writes no value: both readers then take it from their
 * environment (kvfile: "If no value is provided … a lookup-function"; compose-go: `inherited`).
 */
export function formatEnvValue(name: string, value: EnvValue): string | undefined {
  if (typeof value !== 'string') {
    return undefined
  }
  checkValue(name, value)
  const problem = envValueProblem(value, name)
  if (problem !== undefined) {
    throw new ConfigError(`could not render ${name} in an env file: ${problem}`, {
      hint: 'docker --env-file and compose env_file: read such a value differently; use --format native, which quotes any value safely',
    })
  }
  return value
}

/** One env file line for a variable. */
function envLine(name: string, value: EnvValue): string {
  const text = formatEnvValue(name, value)
  return text === undefined ? name : `${name}=${text}`
}

/** A statement found in an env file: its variable name and the character range of the whole statement. */
interface Statement {
  name: string
  start: number
  end: number
}

/** Finds `NAME=value` and bare `NAME` statements, skipping comments; quoted values may span lines. */
function statements(text: string): Statement[] {
  const found: Statement[] = []
  const assignment = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)(?:[ \t]*=[ \t]*|[ \t]*$)/gm
  let match: RegExpExecArray | null
  let resumeAt = 0
  while ((match = assignment.exec(text)) !== null) {
    if (match.index < resumeAt) {
      continue
    }
    const valueStart = match.index + match[0].length
    const quote = match[0].includes('=') ? text[valueStart] : undefined
    let end: number
    if (quote === "'" || quote === '"') {
      let i = valueStart + 1
      while (i < text.length && !(text[i] === quote && (quote === "'" || text[i - 1] !== '\\'))) {
        i++
      }
      const lineEnd = text.indexOf('\n', i)
      end = lineEnd === -1 ? text.length : lineEnd
    } else {
      const lineEnd = text.indexOf('\n', valueStart)
      end = lineEnd === -1 ? text.length : lineEnd
    }
    found.push({ name: match[1] ?? '', start: match.index, end })
    resumeAt = end
    assignment.lastIndex = Math.max(end, assignment.lastIndex)
  }
  return found
}

/**
 * Reads the literal value of a variable from an env file (for keeping generated secrets and for doctor): the bare
 * text docker and compose agree on, or a single-quoted value as compose reads it (files of earlier versions).
 * Undefined when the variable is absent, inherited (a bare name) or double-quoted.
 */
export function readEnvValue(text: string, name: string): string | undefined {
  const statement = statements(text).find((s) => s.name === name)
  if (!statement) {
    return undefined
  }
  const line = text.slice(statement.start, statement.end)
  const eq = line.indexOf('=')
  if (eq === -1) {
    return undefined
  }
  const raw = line.slice(eq + 1).replace(/^[ \t]*/, '')
  if (raw.startsWith("'")) {
    const close = raw.indexOf("'", 1)
    return close === -1 ? undefined : raw.slice(1, close)
  }
  if (raw.startsWith('"')) {
    // Only the escape-free double-quoted form formatEnvValue writes is read back.
    const close = raw.indexOf('"', 1)
    const inner = close === -1 ? undefined : raw.slice(1, close)
    return inner === undefined || /[$`\\]/.test(inner) ? undefined : inner
  }
  return raw.replace(/ #.*$/, '').trimEnd()
}

/** Whether the file names the variable without a value (both readers take it from their environment). */
export function isInherited(text: string, name: string): boolean {
  const statement = statements(text).find((s) => s.name === name)
  return statement !== undefined && !text.slice(statement.start, statement.end).includes('=')
}

/**
 * Sets variables in an env file's text: replaces the statements of the given names in place (keeping every other
 * line and comment), removes the names in `remove`, and appends the ones not there yet.
 */
export function setEnvValues(text: string, values: ReadonlyArray<readonly [string, EnvValue]>, remove: string[] = []): string {
  for (const name of [...values.map(([n]) => n), ...remove]) {
    if (!NAME.test(name)) {
      throw new ConfigError(`could not render the env file: "${name}" is not a variable name`)
    }
  }
  const wanted = new Map(values.map(([name, value]) => [name, envLine(name, value)]))
  let out = ''
  let pos = 0
  const done = new Set<string>()
  for (const statement of statements(text)) {
    const line = wanted.get(statement.name)
    if (line === undefined && !remove.includes(statement.name)) {
      continue
    }
    out += text.slice(pos, statement.start)
    if (line !== undefined && !done.has(statement.name)) {
      out += line
      done.add(statement.name)
      pos = statement.end
    } else {
      // A duplicate or removed statement: drop it with its line break.
      pos = text[statement.end] === '\n' ? statement.end + 1 : statement.end
    }
  }
  out += text.slice(pos)
  const missing = [...wanted.entries()].filter(([name]) => !done.has(name))
  if (missing.length > 0) {
    if (out !== '' && !out.endsWith('\n')) {
      out += '\n'
    }
    out += missing.map(([, line]) => `${line}\n`).join('')
  }
  return out.endsWith('\n') || out === '' ? out : `${out}\n`
}

/**
 * Why dotenv, as bundled in Next.js (@next/env 16, dotenv's LINE rule), would read a bare value differently, or
 * undefined: an unquoted value ends at the first `#` and is trimmed with JavaScript's trim(), and a value opening
 * with a backtick is a quoted one. Checked on top of envValueProblem for `.env.local`.
 */
export function dotenvValueProblem(value: string): string | undefined {
  if (value.includes('#')) {
    return 'it contains "#", where Next.js\'s dotenv ends an unquoted value'
  }
  if (value.startsWith('`')) {
    return "it starts with a backtick, which Next.js's dotenv reads as a quote"
  }
  if (value !== value.trim()) {
    return "it starts or ends with white space, which Next.js's dotenv trims"
  }
  return undefined
}
