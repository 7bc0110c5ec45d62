import { type Document, isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml'
import { ConfigError } from '../domain/errors.js'
import { checkYamlValue, isSafePlain } from './values.js'

/** A value this tool places in YAML. Strings are checked and quoted by the serializer as needed. */
export type YamlValue = string | number | boolean | string[]

/** Parses YAML keeping comments and layout; a syntax error is a ConfigError naming the file. */
export function parseYaml(file: string, text: string): Document {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false })
  const first = doc.errors[0]
  if (first) {
    throw new ConfigError(`could not parse ${file} as YAML: ${first.message.split('\n')[0] ?? ''}`, {
      hint: `fix ${file}, or render to a new file without --merge`,
    })
  }
  return doc
}

/** Serializes a document: no line folding (long values stay on one line), comments kept. */
export function stringifyYaml(doc: Document): string {
  // One line per value: yaml's multi-line double-quoted form mangles some whitespace runs around line breaks.
  return doc.toString({
    lineWidth: 0,
    minContentWidth: 0,
    flowCollectionPadding: false,
    doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER,
  })
}

/**
 * Makes a scalar for a string: bare when it reads the same in YAML 1.1 and 1.2 (URLs, ids), else double-quoted.
 * YAML 1.1 matters: Kestra (Micronaut) and OpenMetadata (Dropwizard) read YAML with SnakeYAML, where a bare `on`
 * or `0o17` is not a string.
 */
function stringScalar(name: string, value: string): Scalar {
  const scalar = new Scalar(checkYamlValue(name, value))
  scalar.type = isSafePlain(value) ? Scalar.PLAIN : Scalar.QUOTE_DOUBLE
  return scalar
}

function toNode(doc: Document, name: string, value: YamlValue): Node {
  if (Array.isArray(value)) {
    const seq = new YAMLSeq(doc.schema)
    for (const item of value) {
      seq.items.push(stringScalar(name, item))
    }
    return seq
  }
  return typeof value === 'string' ? stringScalar(name, value) : new Scalar(value)
}

function describe(path: readonly string[]): string {
  return path.join('.')
}

/** Returns the mapping at `path`, creating missing or empty ones; anything else there is a ConfigError. */
export function ensureMap(doc: Document, file: string, path: readonly string[]): YAMLMap {
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    const comment = doc.contents?.commentBefore
    doc.contents = new YAMLMap(doc.schema) as unknown as typeof doc.contents
    if (comment && doc.contents) {
      doc.contents.commentBefore = comment
    }
  }
  let current: unknown = doc.contents
  if (!isMap(current)) {
    throw new ConfigError(`could not merge into ${file}: the top level is not a mapping`, {
      hint: `fix ${file}, or render to a new file without --merge`,
    })
  }
  for (const [i, key] of path.entries()) {
    const map: YAMLMap = current as YAMLMap
    const next = map.get(key, true)
    if (next === undefined || (isScalar(next) && next.value === null)) {
      const created = new YAMLMap(doc.schema)
      map.set(key, created)
      current = created
    } else if (isMap(next)) {
      current = next
    } else {
      throw new ConfigError(
        `could not merge into ${file}: ${describe(path.slice(0, i + 1))} is not a mapping`,
        { hint: `fix ${file}, or render to a new file without --merge` },
      )
    }
  }
  return current as YAMLMap
}

/**
 * Sets `path` to a value through the Document API. An existing scalar keeps its comments (only its value and
 * quoting change); a new node takes over the old node's comments.
 */
export function setYaml(doc: Document, file: string, path: readonly string[], value: YamlValue): void {
  const key = path[path.length - 1]
  if (key === undefined) {
    throw new Error('setYaml needs a non-empty path')
  }
  const map = ensureMap(doc, file, path.slice(0, -1))
  const name = describe(path)
  const existing = map.get(key, true)
  if (isScalar(existing) && !Array.isArray(value)) {
    const fresh = toNode(doc, name, value) as Scalar
    existing.value = fresh.value
    if (fresh.type !== undefined) {
      existing.type = fresh.type
    }
    delete existing.tag
    return
  }
  const node = toNode(doc, name, value)
  if (isSeq(existing) && isSeq(node)) {
    // Keep the user's layout: a flow list ([a, b]) stays one.
    node.flow = existing.flow ?? false
  }
  if (existing && (isScalar(existing) || isMap(existing) || isSeq(existing))) {
    if (existing.comment) {
      node.comment = existing.comment
    }
    if (existing.commentBefore) {
      node.commentBefore = existing.commentBefore
    }
  }
  map.set(key, node)
}

/** Sets `path` only when it has no value yet (keys the tool suggests but the user may own). */
export function setYamlDefault(doc: Document, file: string, path: readonly string[], value: YamlValue): void {
  const current = doc.getIn(path, true)
  if (current === undefined || (isScalar(current) && (current.value === null || current.value === ''))) {
    setYaml(doc, file, path, value)
  }
}

/** Reads a string at `path`, or undefined. */
export function getYamlString(doc: Document, path: readonly string[]): string | undefined {
  const value: unknown = doc.getIn(path)
  return typeof value === 'string' && value !== '' ? value : undefined
}
