import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import { UsageError } from '../domain/errors.js'
import type { SpecNode, SpecPos } from '../domain/spec-tree.js'

/**
 * Parses spec YAML into a SpecNode tree that keeps every node's line and column (the yaml package's Document API
 * with a LineCounter: https://eemeli.org/yaml/#line-counter), so validation errors name where they are. YAML
 * syntax errors and duplicate keys are UsageErrors naming the file and line; nothing is executed (no custom tags).
 */
export function parseSpecYaml(text: string, file: string): SpecNode {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const pos = (offset: number | undefined): SpecPos => {
    const p = lines.linePos(offset ?? 0)
    return { line: p.line, col: p.col }
  }
  const first = doc.errors[0]
  if (first) {
    const p = pos(first.pos[0])
    throw new UsageError(`${file}:${p.line}:${p.col}: not valid YAML: ${first.message.split('\n')[0]}`, {
      hint: first.code === 'DUPLICATE_KEY' ? 'each key may appear once per mapping' : 'fix the YAML syntax at that line',
    })
  }
  if (doc.contents === null) {
    throw new UsageError(`${file} is empty`, { hint: `start it with apiVersion: oidc-setup/v1 and an apps: list (oidc-setup spec schema prints the format)` })
  }
  return convert(doc.contents as Node, doc, pos, file, 0)
}

function convert(node: Node, doc: Document, pos: (offset: number | undefined) => SpecPos, file: string, depth: number): SpecNode {
  const at = pos(node.range?.[0])
  if (depth > 64) {
    throw new UsageError(`${file}:${at.line}:${at.col}: the spec nests too deeply`)
  }
  if (isAlias(node)) {
    const target = node.resolve(doc)
    if (!target) {
      throw new UsageError(`${file}:${at.line}:${at.col}: unknown YAML alias *${node.source}`)
    }
    return { ...convert(target as Node, doc, pos, file, depth + 1), ...at }
  }
  if (isMap(node)) {
    return {
      kind: 'map',
      ...at,
      entries: node.items.map((pair) => {
        const key = pair.key as Node | null
        const keyAt = pos(key?.range?.[0] ?? node.range?.[0])
        if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
          throw new UsageError(`${file}:${keyAt.line}:${keyAt.col}: keys must be plain names`)
        }
        const value = pair.value as Node | null
        return {
          key: String(key.value),
          pos: keyAt,
          value: value === null ? { kind: 'scalar' as const, value: null, ...keyAt } : convert(value, doc, pos, file, depth + 1),
        }
      }),
    }
  }
  if (isSeq(node)) {
    return { kind: 'seq', ...at, items: node.items.map((item) => convert(item as Node, doc, pos, file, depth + 1)) }
  }
  if (isScalar(node)) {
    const v = node.value
    return { kind: 'scalar', ...at, value: typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === null ? null : String(v) }
  }
  throw new UsageError(`${file}:${at.line}:${at.col}: unsupported YAML node`)
}
