import { checkValue } from './values.js'

/**
 * A Ruby value this tool writes into a Ruby config file (GitLab's gitlab.rb): strings, booleans, arrays, hashes
 * with string keys, and one kind of expression, `ENV.fetch('NAME')`, for secrets read at run time.
 */
export type RubyValue = string | boolean | number | RubyValue[] | { [key: string]: RubyValue } | { env: string }

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

function isEnv(value: RubyValue): value is { env: string } {
  return typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { env?: unknown }).env === 'string'
}

/**
 * A double-quoted Ruby string literal (ruby/ruby doc/syntax/literals.rdoc, "Strings"): `\\`, `\"` and `\#` are
 * escaped (the last so `#{…}`, `#@` and `#$` never interpolate), and every control character is written as an
 * escape, because Ruby reads a raw CR LF in source as LF even inside a literal. Other characters stay as they are
 * (the file is UTF-8, Ruby's default source encoding). NUL and lone surrogates are refused first (checkValue).
 */
export function rubyString(name: string, value: string): string {
  checkValue(name, value)
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
  const escaped = value.replace(/[\\"#\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '\\':
      case '"':
      case '#':
        return `\\${c}`
      case '\n':
        return '\\n'
      case '\t':
        return '\\t'
      case '\r':
        return '\\r'
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
    }
  })
  return `"${escaped}"`
}

/** Serializes a value as Ruby source, two-space indented, hashes with `'key' => value` pairs. */
export function rubyLiteral(name: string, value: RubyValue, indent = ''): string {
  if (typeof value === 'string') {
    return rubyString(name, value)
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false'
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new Error(`${name}: not a finite number`)
    }
    return String(value)
  }
  const inner = `${indent}  `
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return '[]'
    }
    if (value.every((v) => typeof v === 'string')) {
      return `[${value.map((v) => rubyLiteral(name, v)).join(', ')}]`
    }
    return `[\n${value.map((v) => `${inner}${rubyLiteral(name, v, inner)},\n`).join('')}${indent}]`
  }
  if (isEnv(value)) {
    if (!ENV_NAME.test(value.env)) {
      throw new Error(`${name}: "${value.env}" is not an environment variable name`)
    }
    return `ENV.fetch('${value.env}')`
  }
  const entries = Object.entries(value)
  if (entries.length === 0) {
    return '{}'
  }
  return `{\n${entries.map(([k, v]) => `${inner}${rubyString(name, k)} => ${rubyLiteral(`${name}.${k}`, v, inner)},\n`).join('')}${indent}}`
}
