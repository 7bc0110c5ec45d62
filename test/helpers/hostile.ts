import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { expect } from 'vitest'
import { requireRenderableTarget } from '../../src/targets/index.js'
import type { RenderFormat, RenderedFile, TargetSettings } from '../../src/targets/types.js'
import { tempDir } from './cli.js'
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

/** Sources an env file with a real POSIX shell and returns the named variables. */
export function sourceWithShell(text: string, names: string[]): string[] {
  const file = path.join(tempDir('oidc-setup-env-'), 'vars.env')
  writeFileSync(file, text)
  const script = `set -a; . "$1" || exit 9; ${names.map((n) => `printf '%s' "$${n}"; printf '\\0'`).join('; ')}`
  const result = spawnSync('sh', ['-c', script, 'sh', file], { encoding: 'utf8' })
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  return result.stdout.split('\0').slice(0, names.length)
}

/** Env values neither a shell nor compose can hold the same way are refused (env-file.ts). */
export const envRefused = (value: string): boolean =>
    (value.includes("'") && /["$`\\\n\r]/.test(value)) || value.endsWith('\\')
