import { randomBytes, randomInt } from 'node:crypto'

/** A JSON object as it travels over the wire. */
export type JsonObject = Record<string, unknown>

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** An Okta-style 20-character id with the resource's 3-character prefix (`0oa` apps, `aus` servers, …). */
export function newId(prefix: string): string {
  let id = prefix
  while (id.length < 20) {
    id += ALPHABET[randomInt(ALPHABET.length)]
  }
  return id
}

/** A random URL-safe secret of `bytes` bytes. */
export function secret(bytes = 30): string {
  return randomBytes(bytes).toString('base64url')
}

/** Okta timestamps: ISO 8601 with milliseconds, UTC. */
export function now(): string {
  return new Date().toISOString()
}

/** A deep copy of JSON data. */
export function clone<T>(value: T): T {
  return structuredClone(value)
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The object at `value`, or an empty object. */
export function asObject(value: unknown): JsonObject {
  return isObject(value) ? value : {}
}

/** The string array at `value`, or undefined when it is not one. */
export function asStringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined
}

/** Reads a dotted path (`profile.name`) from a JSON value. */
export function getPath(value: unknown, dotted: string): unknown {
  let current: unknown = value
  for (const part of dotted.split('.')) {
    if (!isObject(current)) {
      return undefined
    }
    current = current[part]
  }
  return current
}
