// Validates requests and responses against Okta's OpenAPI description (../shared/okta/management-api.yaml) with ajv.
// OpenAPI 3.0 schema dialect differences are converted first: `nullable`, `discriminator` (turned into if/then
// dispatch on the mapping, subtypes inheriting from a discriminator-free copy of the base), and vendor keywords.
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import { parse } from 'yaml'

type Schema = Record<string, unknown>

const SCHEMA_REF = '#/components/schemas/'

interface Operation {
  requestBody?: { content?: Record<string, { schema?: Schema }> }
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function convert(node: unknown, discriminated: Set<string>, inAllOf = false): unknown {
  if (Array.isArray(node)) {
    return node.map((n) => convert(n, discriminated, inAllOf))
  }
  if (!isObject(node)) {
    return node
  }
  const out: Schema = {}
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-') || key === 'example' || key === 'examples' || key === 'discriminator' || key === 'xml' || key === 'externalDocs') {
      continue
    }
    if (key === 'allOf' && Array.isArray(value)) {
      out.allOf = value.map((v) => convert(v, discriminated, true))
      continue
    }
    if (key === '$ref' && typeof value === 'string') {
      const name = value.startsWith(SCHEMA_REF) ? value.slice(SCHEMA_REF.length) : undefined
      out.$ref = `spec${inAllOf && name && discriminated.has(name) ? `${SCHEMA_REF}${name}__base` : value}`
      continue
    }
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, discriminated)]))
      continue
    }
    out[key] = convert(value, discriminated)
  }
  if (out.nullable === true) {
    delete out.nullable
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null']
    }
    if (Array.isArray(out.enum) && !out.enum.includes(null)) {
      out.enum = [...out.enum, null]
    }
    if (out.$ref || out.allOf || out.oneOf || out.anyOf) {
      return { anyOf: [{ type: 'null' }, out] }
    }
  } else {
    delete out.nullable
  }
  return out
}

/** The spec, converted for ajv, and lookups by operation. */
export class OktaContract {
  private readonly ajv: Ajv
  private readonly operations: Array<{ method: string; template: string; regex: RegExp; literals: number; op: Operation }> = []
  private readonly compiled = new Map<string, ValidateFunction>()

  constructor(file: string) {
    const spec = parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } }
    const schemas = spec.components.schemas
    const discriminated = new Set(Object.entries(schemas).filter(([, s]) => isObject(s.discriminator)).map(([n]) => n))
    const converted: Record<string, unknown> = {}
    for (const [name, schema] of Object.entries(schemas)) {
      const disc = schema.discriminator as { propertyName?: string; mapping?: Record<string, string> } | undefined
      if (disc?.mapping && disc.propertyName) {
        const base = convert(schema, discriminated)
        converted[`${name}__base`] = base
        converted[name] = {
          allOf: [
            { $ref: `spec${SCHEMA_REF}${name}__base` },
            ...Object.entries(disc.mapping).map(([value, ref]) => ({
              if: { properties: { [disc.propertyName as string]: { const: value } }, required: [disc.propertyName] },
              then: { $ref: `spec${ref}` },
            })),
          ],
        }
      } else {
        converted[name] = convert(schema, discriminated)
      }
    }
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true })
    for (const format of ['date-time', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'uri-reference', 'password', 'binary', 'byte', 'int32', 'int64', 'float', 'double', 'date', 'url', 'uuid', 'regex']) {
      this.ajv.addFormat(format, true)
    }
    this.ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/)
    this.ajv.addSchema({ $id: 'spec', components: { schemas: converted } })
    for (const [template, item] of Object.entries(spec.paths)) {
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')
      for (const [method, op] of Object.entries(item)) {
        if (['get', 'post', 'put', 'delete', 'patch'].includes(method)) {
          this.operations.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${source}$`), literals: template.split('/').filter((s) => s && !s.startsWith('{')).length, op })
        }
      }
    }
    this.operations.sort((a, b) => b.literals - a.literals)
  }

  /** The operation documented for a concrete method and path, or undefined. */
  operation(method: string, path: string): { template: string; op: Operation } | undefined {
    return this.operations.find((o) => o.method === method && o.regex.test(path))
  }

  private validator(schema: Schema): ValidateFunction {
    const key = JSON.stringify(schema)
    let fn = this.compiled.get(key)
    if (!fn) {
      fn = this.ajv.compile(convert(schema, new Set()) as Schema)
      this.compiled.set(key, fn)
    }
    return fn
  }

  /** Validates against a named component schema; returns error lines (empty when valid). */
  validateSchema(name: string, value: unknown): string[] {
    const fn = this.validator({ $ref: `${SCHEMA_REF}${name}` })
    return fn(value) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
  }

  /** Validates a JSON request body of an operation. `undefined` when the spec documents none. */
  validateRequest(method: string, path: string, body: unknown): string[] | undefined {
    const schema = this.operation(method, path)?.op.requestBody?.content?.['application/json']?.schema
    if (!schema) {
      return undefined
    }
    const fn = this.validator(schema)
    return fn(body) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
  }

  /** Validates a response; `undefined` when the spec documents no JSON schema for that status. */
  validateResponse(method: string, path: string, status: number, body: unknown): string[] | undefined {
    const found = this.operation(method, path)
    const response = found?.op.responses?.[String(status)] ?? found?.op.responses?.default
    const schema = response?.content?.['application/json']?.schema
    if (!schema) {
      return undefined
    }
    const fn = this.validator(schema)
    return fn(body) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
  }
}
