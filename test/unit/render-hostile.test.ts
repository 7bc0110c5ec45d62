import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DOMParser } from '@xmldom/xmldom'
import fc from 'fast-check'
import { parse as parseYaml } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/domain/errors.js'
import { requireRenderableTarget } from '../../src/targets/index.js'
import type { RenderFormat, RenderedFile } from '../../src/targets/types.js'
import { tempDir } from '../helpers/cli.js'
import { contextFor, TEMPLATES } from '../helpers/render.js'
import { sharedFile } from '../helpers/shared.js'

/** Pieces that break naive templating in YAML, XML, shells, compose and Java/Go config loaders. */
const PIECES = [
  '"', "'", '&', '<', '>', '&amp;', ']]>', '<!--', '-->', ': ', ':', ' #', '#', '\n', '\n\n', '\r\n', '\t', ' ',
  '${X}', '${OKTA_CLIENT_SECRET}', '$X', '$$', '`id`', '$(id)', '\\', '\\n', '\\"', '*', '@', '!', '%', '&a', '*a',
  '!!binary', '? ', '- ', '|', '>-', '[', ']', '{', '}', ',', '~', 'null', 'yes', 'on', 'NO', '0x1F', '012', '1e3',
  '.inf', '1:20', '---', '...', 'é', 'ß', '日本語', '😀', '👩‍👩‍👧', '\u00a0', '\ufeff', 'ǅ',
]
/** Characters some readers treat as line breaks or reject (NEL, LINE SEPARATOR, C1): expect refusals there. */
const RARE = ['\u2028', '\u0085', '\u2029', '\u0090']

const safePiece = fc.constantFrom(...PIECES)
const piece = fc.oneof({ weight: 25, arbitrary: safePiece }, { weight: 1, arbitrary: fc.constantFrom(...RARE) })
const LEADING = ['*', '@', '!', '%', '&', '-', '?', '|', '>', '#', "'", '"', '`', ' ', '\n', '$', '~', '=']

/** Hostile strings: mixes of the pieces, a hostile leading character, arbitrary unicode, and ~4 KB strings. */
const hostile = fc.oneof(
  fc.array(fc.oneof(piece, fc.string({ unit: 'grapheme', maxLength: 4 })), { minLength: 1, maxLength: 12 }).map((a) => a.join('')),
  fc.tuple(fc.constantFrom(...LEADING), fc.string({ unit: 'grapheme', maxLength: 20 })).map(([a, b]) => a + b),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\0')),
  fc.array(safePiece, { minLength: 500, maxLength: 700 }).map((a) => a.join('').padEnd(4096, 'x')),
)

async function renderWith(target: string, format: RenderFormat, clientId: string, secret: string): Promise<RenderedFile[]> {
  const module = requireRenderableTarget(target)
  const renderer = await module.loadRenderer()
  const templates = new Map(
    renderer.files(format).map((name) => [name, readFileSync(path.join(TEMPLATES, module.name, name), 'utf8')]),
  )
  const context = contextFor({ target, format, clientId, secret: { kind: 'literal', value: secret } })
  return renderer.render(context, templates)
}

function getIn(value: unknown, keys: string[]): unknown {
  return keys.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value)
}

/** Reads both YAML versions back: 1.2 (Go, JS) and 1.1 (SnakeYAML in Micronaut and Dropwizard). */
function yamlBoth(text: string): unknown[] {
  return [parseYaml(text, { version: '1.2' }), parseYaml(text, { version: '1.1' })]
}

/** Sources an env file with a real POSIX shell and returns the named variables. */
function sourceWithShell(text: string, names: string[]): string[] {
  const file = path.join(tempDir('oidc-setup-env-'), 'vars.env')
  writeFileSync(file, text)
  const script = `set -a; . "$1" || exit 9; ${names.map((n) => `printf '%s' "$${n}"; printf '\\0'`).join('; ')}`
  const result = spawnSync('sh', ['-c', script, 'sh', file], { encoding: 'utf8' })
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  return result.stdout.split('\0').slice(0, names.length)
}

// XML 1.0 cannot carry these (and parsers turn CR into LF): such values must be refused, never written wrong.
// eslint-disable-next-line no-control-regex -- matching the characters XML cannot carry is the point
const XML_UNSAFE = /[\u0000-\u0008\u000B\u000C\u000D\u000E-\u001F\u0085\u2028\u2029\uFFFE\uFFFF]/
// What SnakeYAML would reject or read differently: refused with a config error.
const YAML_UNSAFE = /[\u007F-\u009F\u2028\u2029\uFFFE\uFFFF]/
const RUNS = { numRuns: 120 }

/** Renders, or checks that a value YAML readers disagree on was refused. */
async function renderYaml(target: string, id: string, secret: string): Promise<string | undefined> {
  if (YAML_UNSAFE.test(id + secret)) {
    await expect(renderWith(target, 'native', id, secret)).rejects.toThrow(ConfigError)
    return undefined
  }
  const [file] = await renderWith(target, 'native', id, secret)
  return file?.text
}
const SHELL_RUNS = { numRuns: 60 }

describe('hostile values parse back exactly with the real parsers', () => {
  it('pomerium config.yaml (yaml 1.1 and 1.2)', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        const text = await renderYaml('pomerium', id, secret)
        for (const doc of text === undefined ? [] : yamlBoth(text)) {
          expect(getIn(doc, ['idp_client_id'])).toBe(id)
          expect(getIn(doc, ['idp_client_secret'])).toBe(secret)
          expect(getIn(doc, ['idp_provider'])).toBe('okta')
        }
      }),
      RUNS,
    )
  })

  it('kestra application.yaml (yaml 1.1 and 1.2)', async () => {
    const okta = ['micronaut', 'security', 'oauth2', 'clients', 'okta']
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        const text = await renderYaml('kestra', id, secret)
        for (const doc of text === undefined ? [] : yamlBoth(text)) {
          expect(getIn(doc, [...okta, 'client-id'])).toBe(id)
          expect(getIn(doc, [...okta, 'client-secret'])).toBe(secret)
          expect(getIn(doc, [...okta, 'openid', 'issuer'])).toBe('https://example.okta.com')
        }
      }),
      RUNS,
    )
  })

  it('openmetadata.yaml (yaml 1.1 and 1.2)', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        const text = await renderYaml('openmetadata', id, secret)
        for (const doc of text === undefined ? [] : yamlBoth(text)) {
          expect(getIn(doc, ['authenticationConfiguration', 'clientId'])).toBe(id)
          expect(getIn(doc, ['authenticationConfiguration', 'oidcConfiguration', 'id'])).toBe(id)
          expect(getIn(doc, ['authenticationConfiguration', 'oidcConfiguration', 'secret'])).toBe(secret)
        }
      }),
      RUNS,
    )
  })

  it('galaxy oidc_backends_config.xml (DOM parser), or a config error for what XML cannot hold', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        if (XML_UNSAFE.test(id + secret)) {
          await expect(renderWith('galaxy', 'native', id, secret)).rejects.toThrow(ConfigError)
          return
        }
        const files = await renderWith('galaxy', 'native', id, secret)
        const backends = files.find((f) => f.path === 'oidc_backends_config.xml')
        const doc = new DOMParser().parseFromString(backends?.text ?? '', 'text/xml')
        const providers = doc.getElementsByTagName('provider')
        expect(providers.length).toBe(1)
        expect(providers[0]?.getElementsByTagName('client_id')[0]?.textContent).toBe(id)
        expect(providers[0]?.getElementsByTagName('client_secret')[0]?.textContent).toBe(secret)
      }),
      RUNS,
    )
  })

  const xsd = sharedFile('schemas/galaxy/oidc_backends_config.xsd')
  const hasXmllint = spawnSync('xmllint', ['--version']).status === 0
  it.skipIf(!xsd || !hasXmllint)('galaxy files with hostile values still validate against the XSD (xmllint)', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        fc.pre(!XML_UNSAFE.test(id + secret))
        const files = await renderWith('galaxy', 'native', id, secret)
        const file = path.join(tempDir('oidc-setup-xsd-'), 'oidc_backends_config.xml')
        writeFileSync(file, files.find((f) => f.path === 'oidc_backends_config.xml')?.text ?? '')
        const result = spawnSync('xmllint', ['--noout', '--schema', xsd ?? '', file], { encoding: 'utf8' })
        expect(result.stderr).toContain('validates')
      }),
      { numRuns: 25 },
    )
  })

  /** Env files: a POSIX shell reads back exactly the value, or the value is refused (single quote, trailing \). */
  const envRefused = (value: string): boolean =>
    (value.includes("'") && /["$`\\\n\r]/.test(value)) || value.endsWith('\\')

  it('pomerium and kestra env forms (sourced by a real shell)', async () => {
    const cases = [
      ['pomerium', ['IDP_CLIENT_ID', 'IDP_CLIENT_SECRET']],
      ['kestra', ['MICRONAUT_SECURITY_OAUTH2_CLIENTS_OKTA_CLIENT_ID', 'MICRONAUT_SECURITY_OAUTH2_CLIENTS_OKTA_CLIENT_SECRET']],
    ] as const
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), hostile, hostile, async ([target, names], id, secret) => {
        if (envRefused(id) || envRefused(secret)) {
          await expect(renderWith(target, 'env', id, secret)).rejects.toThrow(ConfigError)
          return
        }
        const [file] = await renderWith(target, 'env', id, secret)
        expect(sourceWithShell(file?.text ?? '', [...names])).toEqual([id, secret])
      }),
      SHELL_RUNS,
    )
  })

  it('openmetadata env form: shell, then the YAML OpenMetadata pastes it into', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        const [file] = await renderWith('openmetadata', 'env', id, secret).catch((error: unknown) => {
          // Values are YAML-quoted first, so only what neither a shell nor compose can hold is refused.
          expect(error).toBeInstanceOf(ConfigError)
          return [undefined]
        })
        if (!file) {
          return
        }
        const [rawId, rawSecret] = sourceWithShell(file.text, ['AUTHENTICATION_CLIENT_ID', 'OIDC_CLIENT_SECRET'])
        // What Dropwizard does: substitute the text into `clientId: ${AUTHENTICATION_CLIENT_ID:-""}`, then parse.
        for (const version of ['1.1', '1.2'] as const) {
          const doc = parseYaml(`clientId: ${rawId}\nsecret: ${rawSecret}\n`, { version }) as Record<string, unknown>
          expect(doc.clientId).toBe(id)
          expect(doc.secret).toBe(secret)
        }
      }),
      SHELL_RUNS,
    )
  })
})
