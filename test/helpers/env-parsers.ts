/**
 * The two readers of our env files, implemented from their upstream source so tests parse what we render the way
 * the real consumers do (not by string comparison).
 */

/** Go's unicode.IsSpace. */
const goIsSpace = (c: string): boolean => /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]$/u.test(c)

/**
 * docker's `--env-file` (docker/cli pkg/kvfile/kvfile.go@28f75608 parseKeyValueFile): bufio.Scanner lines (split
 * on \n, a trailing \r dropped, at most 64 KiB), BOM removed on line 1, leading white space removed, `#` lines and
 * empty lines skipped, KEY=VALUE cut at the first `=` with the value kept as-is, a KEY without `=` looked up in
 * `env`, an error for a key with spaces or tabs. Returns the variables, or throws what docker would report.
 */
export function parseDockerEnvFile(text: string, env: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {}
  const raw = text.split('\n')
  if (raw.at(-1) === '') {
    raw.pop()
  }
  raw.forEach((scanned, index) => {
    let line = scanned.endsWith('\r') ? scanned.slice(0, -1) : scanned
    if (new TextEncoder().encode(line).length + 1 > 64 * 1024) {
      throw new Error('bufio.Scanner: token too long')
    }
    if (index === 0 && line.startsWith('\uFEFF')) {
      line = line.slice(1)
    }
    let start = 0
    while (start < line.length && goIsSpace(line[start] ?? '')) {
      start++
    }
    line = line.slice(start)
    if (line === '' || line.startsWith('#')) {
      return
    }
    const eq = line.indexOf('=')
    const key = eq === -1 ? line : line.slice(0, eq)
    if (key === '') {
      throw new Error(`no variable name on line '${line}'`)
    }
    if (/[ \t]/.test(key)) {
      throw new Error(`variable '${key}' contains whitespaces`)
    }
    if (eq !== -1) {
      out[key] = line.slice(eq + 1)
    } else if (key in env) {
      out[key] = env[key] as string
    }
  })
  return out
}

// compose-go's isSpace (dotenv/parser.go): white space that is not a line break.
const composeIsSpace = (c: string): boolean => /^[\t\v\f\r \u0085\u00A0]$/.test(c)

/**
 * compose-go's `${…}` interpolation (template/template.go DefaultPattern): `$$` is a `$`, `$NAME` and `${NAME}` are
 * looked up (unset → empty), `${NAME:-default}`/`${NAME-default}` fall back, `${NAME:?err}` errors, and a `$` not
 * followed by any of these is an invalid template.
 */
function interpolate(value: string, lookup: (name: string) => string | undefined): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const c = value[i]
    if (c !== '$') {
      out += c
      continue
    }
    const rest = value.slice(i + 1)
    if (rest.startsWith('$')) {
      out += '$'
      i++
      continue
    }
    const named = /^[_a-z][_a-z0-9]*/i.exec(rest)
    if (named) {
      out += lookup(named[0]) ?? ''
      i += named[0].length
      continue
    }
    const braced = /^\{([_a-z][_a-z0-9]*)(?:(:?[-?+])([^}]*))?\}/i.exec(rest)
    if (braced) {
      const [whole, name = '', op, arg = ''] = braced
      const v = lookup(name)
      if (op === undefined) {
        out += v ?? ''
      } else if (op === ':-' || op === '-') {
        out += (op === ':-' ? v || undefined : v) ?? arg
      } else if (op === ':?' || op === '?') {
        if ((op === ':?' ? v || undefined : v) === undefined) {
          throw new Error(`required variable ${name} is missing a value: ${arg}`)
        }
        out += v
      } else {
        out += (op === ':+' ? (v ? arg : '') : v !== undefined ? arg : '')
      }
      i += whole.length
      continue
    }
    throw new Error(`Invalid template: "${value}"`)
  }
  return out
}

/** compose-go's expandEscapes for double-quoted values (dotenv/parser.go): \a \b \c \f \n \r \t \v \" \\ \$ \0NNN. */
function expandEscapes(value: string): string {
  const map: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\' }
  return value.replace(/\\(?:[abcfnrtv$"\\]|0\d{0,3})/g, (m) => {
    const k = m.slice(1)
    if (k === '$') {
      return '$$'
    }
    if (k.startsWith('0')) {
      const digits = k.slice(1)
      // strconv.UnquoteChar needs exactly three octal digits; anything else stays as written.
      return /^[0-7]{3}$/.test(digits) && parseInt(digits, 8) <= 255 ? String.fromCharCode(parseInt(digits, 8)) : m
    }
    return map[k] ?? m
  })
}

/**
 * compose's `env_file:` and `--env-file` (compose-spec/compose-go dotenv/parser.go@e70e961c, godotenv.go): BOM
 * skipped, comments and blank lines skipped, optional `export`, key up to `=` or `:` (a bare key on its line is
 * inherited from `env`); a single-quoted value is literal, a double-quoted one has escapes expanded then is
 * interpolated, an unquoted one runs to the end of the line, is cut at " #", right-trimmed and interpolated.
 */
export function parseComposeEnvFile(text: string, env: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {}
  const lookup = (name: string): string | undefined => (name in env ? env[name] : out[name])
  let src = text.startsWith('\uFEFF') ? text.slice(1) : text
  for (;;) {
    // getStatementStart: skip white space (unicode.IsSpace, line breaks included) and comment lines.
    let pos = 0
    while (pos < src.length && goIsSpace(src[pos] ?? '')) {
      pos++
    }
    src = src.slice(pos)
    if (src === '') {
      break
    }
    if (src.startsWith('#')) {
      const nl = src.indexOf('\n')
      if (nl === -1) {
        break
      }
      src = src.slice(nl)
      continue
    }
    // locateKeyName
    if (/^export\s+/.test(src)) {
      src = src.slice('export'.length).replace(/^[\t\v\f\r \u0085\u00A0]+/, '')
    }
    let key: string | undefined
    let offset = 0
    let inherited = false
    for (let at = 0; at < src.length; ) {
      const ch = String.fromCodePoint(src.codePointAt(at) ?? 0)
      if (ch === '=' || ch === ':' || ch === '\n') {
        key = src.slice(0, at)
        offset = at + 1
        inherited = ch === '\n'
        break
      }
      if (!composeIsSpace(ch) && !/[_.\-[\]]/.test(ch) && !/[\p{L}\p{N}]/u.test(ch)) {
        throw new Error(`unexpected character "${ch}" in variable name`)
      }
      at += ch.length
    }
    if (key === undefined) {
      // The loop ran off the end of the text without '=' (compose-go then reads an empty key).
      key = ''
      offset = src.length
    }
    key = key.replace(/[\s]+$/u, '')
    if (key.includes(' ')) {
      throw new Error('key cannot contain a space')
    }
    let rest = src.slice(offset)
    let restStart = 0
    while (restStart < rest.length && composeIsSpace(rest[restStart] ?? '')) {
      restStart++
    }
    rest = rest.slice(restStart)
    if (inherited) {
      const v = env[key]
      if (v !== undefined) {
        out[key] = v
      }
      src = rest
      continue
    }
    const quote = rest[0]
    if (quote !== "'" && quote !== '"') {
      const nl = rest.indexOf('\n')
      let value = nl === -1 ? rest : rest.slice(0, nl)
      src = nl === -1 ? '' : rest.slice(nl + 1)
      const hash = value.indexOf(' #')
      if (hash !== -1) {
        value = value.slice(0, hash)
      }
      let end = value.length
      while (end > 0 && goIsSpace(value[end - 1] ?? '')) {
        end--
      }
      out[key] = interpolate(value.slice(0, end), lookup)
      continue
    }
    let chars = ''
    let escaped = false
    let closed = -1
    for (let i = 1; i < rest.length; i++) {
      const ch = rest[i] as string
      if (ch !== quote) {
        if (!escaped && ch === '\\') {
          escaped = true
          continue
        }
        if (escaped) {
          escaped = false
          chars += '\\'
        }
        chars += ch
        continue
      }
      if (escaped) {
        escaped = false
        chars += ch
        continue
      }
      closed = i
      break
    }
    if (closed === -1) {
      throw new Error('unterminated quoted value')
    }
    out[key] = quote === '"' ? interpolate(expandEscapes(chars), lookup) : chars
    src = rest.slice(closed + 1)
  }
  return out
}
