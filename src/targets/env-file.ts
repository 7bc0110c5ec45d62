import { ConfigError } from '../domain/errors.js'
import { checkValue } from './values.js'

/** A value to set in an env file: literal text (escaped strictly) or a `${NAME}` reference left for the reader. */
export type EnvValue = string | { ref: string }

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
// Characters that mean nothing to a shell or to compose in an assignment value.
const ENV_BARE = /^[A-Za-z0-9._/:@+-]*$/

/**
 * Writes one env value so that both a POSIX shell (`set -a; . file`) and docker compose (`--env-file`, `env_file:`)
 * read back exactly the given text: bare when it is plainly safe, else single-quoted (no expansion, no escapes in
 * either). A value neither can hold the same way (a single quote, a trailing backslash) is refused with a
 * ConfigError rather than written ambiguously.
 */
export function formatEnvValue(name: string, value: EnvValue): string {
  if (typeof value !== 'string') {
    if (!NAME.test(value.ref)) {
      throw new ConfigError(`could not render ${name}: "${value.ref}" is not a variable name`)
    }
    return `\${${value.ref}}`
  }
  checkValue(name, value)
  if (ENV_BARE.test(value)) {
    return value
  }
  if (value.includes("'") && !/["$`\\\n\r]/.test(value)) {
    // Inside double quotes a shell and compose both take everything but " $ ` \ literally: a value with a single
    // quote and none of those (e.g. a JMESPath expression) reads back the same in both.
    return `"${value}"`
  }
  if (value.includes("'")) {
    throw new ConfigError(`could not render ${name} in an env file: the value contains a single quote`, {
      hint: 'use --format native, which quotes any value safely',
    })
  }
  if (value.endsWith('\\')) {
    throw new ConfigError(`could not render ${name} in an env file: the value ends with a backslash`, {
      hint: 'use --format native, which quotes any value safely',
    })
  }
  return `'${value}'`
}

/** A statement found in an env file: its variable name and the character range of the whole statement. */
interface Statement {
  name: string
  start: number
  end: number
}

/** Finds `NAME=value` statements, skipping comments; quoted values may span lines. */
function statements(text: string): Statement[] {
  const found: Statement[] = []
  const assignment = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*/gm
  let match: RegExpExecArray | null
  let resumeAt = 0
  while ((match = assignment.exec(text)) !== null) {
    if (match.index < resumeAt) {
      continue
    }
    const valueStart = match.index + match[0].length
    const quote = text[valueStart]
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
    assignment.lastIndex = end
  }
  return found
}

/** Reads the literal value of a variable from an env file written by formatEnvValue (for keeping generated secrets). */
export function readEnvValue(text: string, name: string): string | undefined {
  const statement = statements(text).find((s) => s.name === name)
  if (!statement) {
    return undefined
  }
  const raw = text
    .slice(statement.start, statement.end)
    .replace(/^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.]*[ \t]*=[ \t]*/, '')
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
  return raw.replace(/[ \t]+#.*$/, '').trimEnd()
}

/**
 * Sets variables in an env file's text: replaces the statements of the given names in place (keeping every other
 * line and comment), removes the names in `remove`, and appends the ones not there yet.
 */
export function setEnvValues(text: string, values: ReadonlyArray<readonly [string, EnvValue]>, remove: string[] = []): string {
  const wanted = new Map(values.map(([name, value]) => [name, `${name}=${formatEnvValue(name, value)}`]))
  for (const name of [...wanted.keys(), ...remove]) {
    if (!NAME.test(name)) {
      throw new ConfigError(`could not render the env file: "${name}" is not a variable name`)
    }
  }
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
