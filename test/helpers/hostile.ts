import { readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { expect } from 'vitest'
import { envValueProblem } from '../../src/targets/env-file.js'
import { requireRenderableTarget } from '../../src/targets/index.js'
import type { RenderFormat, RenderedFile, TargetSettings } from '../../src/targets/types.js'
import { parseComposeEnvFile, parseDockerEnvFile } from './env-parsers.js'
import { contextFor, TEMPLATES } from './render.js'

/** Pieces that break naive templating in YAML, XML, INI, TOML, shells, compose and Java/Go config loaders. */
export const PIECES = [
  '"', "'", '&', '<', '>', '&amp;', ']]>', '<!--', '-->', ': ', ':', ' #', '#', ';', ' ;', '=', '\n', '\n\n', '\r\n', '\t', ' ',
  '${X}', '${OKTA_CLIENT_SECRET}', '$X', '$$', '`id`', '$(id)', '\\', '\\n', '\\"', '"""', "'''", '*', '@', '!', '%', '&a', '*a',
  '!!binary', '? ', '- ', '|', '>-', '[', ']', '[x]', '{', '}', ',', '~', 'null', 'yes', 'on', 'NO', '0x1F', '012', '1e3',
  '.inf', '1:20', '---', '...', 'é', 'ß', '日本語', '😀', '👩‍👩‍👧', '\u00a0', '\ufeff', 'ǅ', '\u0085', '\u2028',
]

const safePiece = fc.constantFrom(...PIECES)
const LEADING = ['*', '@', '!', '%', '&', '-', '?', '|', '>', '#', ';', '[', "'", '"', '`', ' ', '\n', '$', '~', '=']

/** Hostile strings: mixes of the pieces, a hostile leading character, arbitrary unicode, and ~4 KB strings. */
export const hostile = fc.oneof(
  fc.array(fc.oneof(safePiece, fc.string({ unit: 'grapheme', maxLength: 4 })), { minLength: 1, maxLength: 12 }).map((a) => a.join('')),
  fc.tuple(fc.constantFrom(...LEADING), fc.string({ unit: 'grapheme', maxLength: 20 })).map(([a, b]) => a + b),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\0')),
  fc.array(safePiece, { minLength: 500, maxLength: 700 }).map((a) => a.join('').padEnd(4096, 'x')),
)

/** Renders a target's files straight through its renderer with the shipped templates and a literal secret. */
export async function renderWith(
  target: string,
  format: RenderFormat,
  clientId: string,
  secret: string,
  settings?: TargetSettings,
  companions?: Readonly<Record<string, { clientId: string }>>,
): Promise<RenderedFile[]> {
  const module = requireRenderableTarget(target)
  const renderer = await module.loadRenderer()
  const templates = new Map(
    renderer.files(format).map((name) => [name, readFileSync(path.join(TEMPLATES, module.name, name), 'utf8')]),
  )
  const context = contextFor({ target, format, clientId, secret: { kind: 'literal', value: secret }, settings, companions })
  return renderer.render(context, templates)
}

/**
 * Reads an env file the way its two consumers do, docker's --env-file and compose's env_file:
 * (test/helpers/env-parsers.ts), checks that both read the same values, and returns those of `names`.
 */
export function readEnvBoth(text: string, names: string[]): string[] {
  const docker = parseDockerEnvFile(text)
  const compose = parseComposeEnvFile(text)
  const values = names.map((n) => docker[n])
  expect(names.map((n) => compose[n])).toEqual(values)
  return values as string[]
}

/** Env values docker and compose cannot both carry are refused (env-file.ts envValueProblem). */
export const envRefused = (value: string): boolean => envValueProblem(value) !== undefined
