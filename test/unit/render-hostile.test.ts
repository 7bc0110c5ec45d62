import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DOMParser } from '@xmldom/xmldom'
import fc from 'fast-check'
import { parse as parseYaml } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/domain/errors.js'
import { directiveValue } from '../../src/targets/apache-conf.js'
import { requireRenderableTarget } from '../../src/targets/index.js'
import type { RenderFormat, RenderedFile } from '../../src/targets/types.js'
import { tempDir } from '../helpers/cli.js'
import { apacheConfigTest, hasApache } from '../helpers/apache.js'
import { parseComposeEnvFile, parseDockerEnvFile } from '../helpers/env-parsers.js'
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

// XML 1.0 cannot carry these (and parsers turn CR into LF): such values must be refused, never written wrong.
// eslint-disable-next-line no-control-regex -- matching the characters XML cannot carry is the point
const XML_UNSAFE = /[\u0000-\u0008\u000B\u000C\u000D\u000E-\u001F\u0085\u2028\u2029\uFFFE\uFFFF]/
// What SnakeYAML would reject or read differently: refused with a config error.
const YAML_UNSAFE = /[\u007F-\u009F\u2028\u2029\uFFFE\uFFFF]/
const RUNS = { numRuns: Number(process.env.HOSTILE_RUNS ?? 120) }
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Renders, or checks that a value YAML readers disagree on was refused. */
async function renderYaml(target: string, id: string, secret: string): Promise<string | undefined> {
  if (YAML_UNSAFE.test(id + secret)) {
    await expect(renderWith(target, 'native', id, secret)).rejects.toThrow(ConfigError)
    return undefined
  }
  const [file] = await renderWith(target, 'native', id, secret)
  return file?.text
}
const SHELL_RUNS = { numRuns: Number(process.env.HOSTILE_RUNS ?? 60) }

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

  /** Whether a bare `NAME=value` line reads back as `value` under both docker --env-file and compose env_file:. */
  const bareCarries = (value: string): boolean => {
    if (LONE_SURROGATE.test(value)) {
      return false
    }
    try {
      const line = `N=${value}\n`
      return parseDockerEnvFile(line).N === value && parseComposeEnvFile(line).N === value
    } catch {
      return false
    }
  }

  /** Parses an env file with both readers: every name must read back the same through each. */
  const readBoth = (text: string, names: readonly string[]): string[][] =>
    [parseDockerEnvFile(text), parseComposeEnvFile(text)].map((vars) => names.map((n) => vars[n] as string))

  it('pomerium, kestra and authjs env forms read back exactly under docker --env-file and compose env_file:, or are refused because one cannot carry the value', async () => {
    const cases = [
      ['pomerium', 'env', ['IDP_CLIENT_ID', 'IDP_CLIENT_SECRET']],
      ['kestra', 'env', ['MICRONAUT_SECURITY_OAUTH2_CLIENTS_OKTA_CLIENT_ID', 'MICRONAUT_SECURITY_OAUTH2_CLIENTS_OKTA_CLIENT_SECRET']],
    ] as const
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), hostile, hostile, async ([target, format, names], id, secret) => {
        const rendered = await renderWith(target, format, id, secret).catch((error: unknown) => error)
        if (rendered instanceof Error) {
          expect(rendered).toBeInstanceOf(ConfigError)
          // Refused only when a bare line could not carry one of the values, or one holds a carriage return (refused
          // as a line break: dotenv readers such as Next.js's and many editors end a line there).
          expect(bareCarries(id) && bareCarries(secret) && !/\r/.test(id + secret)).toBe(false)
          return
        }
        const [file] = rendered as RenderedFile[]
        for (const values of readBoth(file?.text ?? '', names)) {
          expect(values).toEqual([id, secret])
        }
      }),
      SHELL_RUNS,
    )
  })

  it('generated secrets (base64 with "=") reach Pomerium unquoted under docker --env-file (config/options.go base64.StdEncoding)', async () => {
    const [file] = await renderWith('pomerium', 'env', '0oa1', 'secret')
    for (const vars of [parseDockerEnvFile(file?.text ?? ''), parseComposeEnvFile(file?.text ?? '')]) {
      expect(Buffer.from(vars.COOKIE_SECRET ?? '', 'base64').length).toBe(32)
      expect(vars.COOKIE_SECRET).toMatch(/^[A-Za-z0-9+/]+=*$/)
      expect(vars.SHARED_SECRET).toMatch(/^[A-Za-z0-9+/]+=*$/)
    }
  })

  it('authjs .env.local reads back exactly under docker, compose and Next.js (@next/env loadEnvConfig), or is refused', async () => {
    const { loadEnvConfig } = await import('@next/env')
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        const rendered = await renderWith('authjs', 'native', id, secret).catch((error: unknown) => error)
        if (rendered instanceof Error) {
          expect(rendered).toBeInstanceOf(ConfigError)
          // A carriage return is refused too: docker keeps one inside a value, but dotenv (Next.js's @next/env) turns
          // \r\n? into a line break before parsing (dotenv lib/main.js parse).
          expect(bareCarries(id) && bareCarries(secret) && !/[#\r]/.test(id + secret) && id === id.trim() && secret === secret.trim() && !id.startsWith('`') && !secret.startsWith('`')).toBe(false)
          return
        }
        const [file] = rendered as RenderedFile[]
        for (const values of readBoth(file?.text ?? '', ['AUTH_OKTA_ID', 'AUTH_OKTA_SECRET'])) {
          expect(values).toEqual([id, secret])
        }
        const dir = tempDir('oidc-setup-next-')
        writeFileSync(path.join(dir, '.env.local'), file?.text ?? '')
        const saved = { ...process.env }
        delete process.env.AUTH_OKTA_ID
        delete process.env.AUTH_OKTA_SECRET
        // Next.js skips .env.local when NODE_ENV is test (as under vitest).
        process.env.NODE_ENV = 'development'
        try {
          const { combinedEnv } = loadEnvConfig(dir, true, { info: () => {}, error: () => {} }, true)
          expect([combinedEnv.AUTH_OKTA_ID, combinedEnv.AUTH_OKTA_SECRET]).toEqual([id, secret])
        } finally {
          process.env = saved
        }
      }),
      SHELL_RUNS,
    )
  })

  it('openmetadata env form: docker and compose read the same text, and the YAML OpenMetadata pastes it into reads back the value', async () => {
    const plainInYaml = (value: string): boolean =>
      (['1.1', '1.2'] as const).every((version) => {
        try {
          return (parseYaml(`k: ${value}\n`, { version }) as { k?: unknown }).k === value
        } catch {
          return false
        }
      })
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        const rendered = await renderWith('openmetadata', 'env', id, secret).catch((error: unknown) => error)
        if (rendered instanceof Error) {
          expect(rendered).toBeInstanceOf(ConfigError)
          // Never refused: what both env readers carry and a plain YAML scalar holds in a conservative alphabet
          // (SnakeYAML also rejects control characters the yaml library accepts, so those stay refused).
          const fine = (v: string): boolean => bareCarries(v) && plainInYaml(v) && /^[A-Za-z0-9._~+/=@:-]+$/.test(v)
          expect(fine(id) && fine(secret)).toBe(false)
          return
        }
        const [file] = rendered as RenderedFile[]
        for (const [rawId, rawSecret] of readBoth(file?.text ?? '', ['AUTHENTICATION_CLIENT_ID', 'OIDC_CLIENT_SECRET'])) {
          // What Dropwizard does: substitute the text into `clientId: ${AUTHENTICATION_CLIENT_ID:-""}`, then parse.
          for (const version of ['1.1', '1.2'] as const) {
            const doc = parseYaml(`clientId: ${rawId}\nsecret: ${rawSecret}\n`, { version }) as Record<string, unknown>
            expect(doc.clientId).toBe(id)
            expect(doc.secret).toBe(secret)
          }
        }
      }),
      SHELL_RUNS,
    )
  })

  it('--secret-ref env writes bare names, which docker and compose both take from their environment (no literal ${…})', async () => {
    for (const [target, names] of [
      ['pomerium', ['IDP_CLIENT_SECRET', 'COOKIE_SECRET', 'SHARED_SECRET']],
      ['kestra', ['MICRONAUT_SECURITY_OAUTH2_CLIENTS_OKTA_CLIENT_SECRET']],
      ['openmetadata', ['OIDC_CLIENT_SECRET']],
      ['authjs', ['AUTH_OKTA_SECRET', 'AUTH_SECRET']],
    ] as const) {
      const module = requireRenderableTarget(target)
      const renderer = await module.loadRenderer()
      const format = module.formats.includes('env') ? 'env' : 'native'
      const templates = new Map(
        renderer.files(format).map((name) => [name, readFileSync(path.join(TEMPLATES, module.name, name), 'utf8')]),
      )
      const [file] = renderer.render(contextFor({ target, format, secret: { kind: 'env' } }), templates)
      const env = Object.fromEntries(names.map((n) => [n, `from-env-${n}`]))
      for (const vars of [parseDockerEnvFile(file?.text ?? '', env), parseComposeEnvFile(file?.text ?? '', env)]) {
        for (const n of names) {
          expect(vars[n], `${target} ${n}`).toBe(`from-env-${n}`)
        }
      }
      expect(file?.text).not.toContain('${')
    }
  })

  it('apache oidc.conf: httpd\'s ap_getword_conf reads every value back, or the value is refused (line breaks, controls, ${…})', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        const rendered = await renderWith('apache', 'native', id, secret).catch((error: unknown) => error)
        if (rendered instanceof Error) {
          expect(rendered).toBeInstanceOf(ConfigError)
          // eslint-disable-next-line no-control-regex -- what one config line cannot carry
          expect(/[\u0000-\u0008\u000A-\u001F\u007F]|\$\{[^}]*\}/.test(id + secret) || LONE_SURROGATE.test(id + secret) || id === '' || secret === '').toBe(true)
          return
        }
        const [file] = rendered as RenderedFile[]
        expect(directiveValue(file?.text ?? '', 'OIDCClientID')).toBe(id)
        expect(directiveValue(file?.text ?? '', 'OIDCClientSecret')).toBe(secret)
      }),
      RUNS,
    )
  })

  it.skipIf(!hasApache)('apache oidc.conf with hostile values passes apache2ctl -t (configtest) with mod_auth_openidc loaded', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        const rendered = await renderWith('apache', 'native', id, secret).catch(() => undefined)
        fc.pre(rendered !== undefined)
        const result = apacheConfigTest(rendered?.[0]?.text ?? '')
        expect(result.stderr).toContain('Syntax OK')
        expect(result.status).toBe(0)
      }),
      { numRuns: 15 },
    )
  })
})
