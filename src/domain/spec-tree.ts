/**
 * A parsed YAML document as plain data with positions: what the spec validator walks, so every error names the
 * line (and column) it is about. Built by the YAML edge (src/infra/spec-yaml.ts); no YAML library types here.
 */
export type SpecNode = SpecMap | SpecSeq | SpecScalar

/** Where a node starts, 1-based. */
export interface SpecPos {
  line: number
  col: number
}

/** A mapping; keys in document order. */
export interface SpecMap extends SpecPos {
  kind: 'map'
  entries: Array<{ key: string; pos: SpecPos; value: SpecNode }>
}

/** A sequence. */
export interface SpecSeq extends SpecPos {
  kind: 'seq'
  items: SpecNode[]
}

/** A scalar (string, number, boolean or null). */
export interface SpecScalar extends SpecPos {
  kind: 'scalar'
  value: string | number | boolean | null
}

/** The plain value of a node (maps become objects, sequences arrays). */
export function plain(node: SpecNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value
    case 'seq':
      return node.items.map(plain)
    case 'map':
      return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value)]))
  }
}

/** The entry of a map by key, if any. */
export function entryOf(node: SpecNode | undefined, key: string): { key: string; pos: SpecPos; value: SpecNode } | undefined {
  return node?.kind === 'map' ? node.entries.find((e) => e.key === key) : undefined
}
