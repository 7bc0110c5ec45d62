import { readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { parse as parseYaml } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ConfigError, UsageError } from '../../src/domain/errors.js'
import { requireTarget } from '../../src/targets/index.js'
import { inspectConfigFile } from '../../src/targets/inspect.js'
import { tempDir } from '../helpers/cli.js'
import { golden } from '../helpers/golden.js'
import { hostile, renderWith } from '../helpers/hostile.js'
import { DEFAULT_SECRET, render } from '../helpers/render.js'

// Keys: argoproj/argo-cd@37ee0097 util/settings/settings.go OIDCConfig and docs/operator-manual/user-management/okta.md.
const CUSTOM = 'https://example.okta.com/oauth2/default'
const BASE = 'https://argocd.example.com'
const COMPANIONS = { cli: { clientId: '0oa9cli0client' } }
const SETTINGS = { adminGroups: ['argocd-admins'], readonlyGroups: ['argocd viewers'] }
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels: Record<string, string> }; data?: Record<string, string>; stringData?: Record<string, string> }

describe('argocd', () => {
  it('golden files', async () => {
    const outDir = tempDir()
    const result = await render({ target: 'argocd', issuer: CUSTOM, baseUrl: BASE, outDir, settings: SETTINGS, companions: COMPANIONS })
    for (const file of result.files) {
      const text = readFileSync(path.join(outDir, file.name), 'utf8')
      golden('argocd', 'native', file.name, text)
      expect(file.containsSecret).toBe(file.name === 'argocd-okta-secret.yaml')
    }
  })

  it('manifests parse back: argocd-cm oidc.config (inner YAML), policy.csv, the labelled Secret', async () => {
    const result = await render({ target: 'argocd', issuer: CUSTOM, baseUrl: BASE, outDir: tempDir(), mode: 'stdout', settings: SETTINGS, companions: COMPANIONS })
    const [cm, rbac, secret] = result.files.map((f) => parseYaml(f.text) as Manifest)
    expect(cm).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm' } })
    expect(cm?.data?.url).toBe(BASE)
    expect(parseYaml(cm?.data?.['oidc.config'] ?? '')).toEqual({
      name: 'Okta',
      issuer: CUSTOM,
      clientID: '0oa1example2client3',
      clientSecret: '$argocd-okta-oidc:clientSecret',
      cliClientID: '0oa9cli0client',
      requestedScopes: ['openid', 'profile', 'email'],
      requestedIDTokenClaims: { groups: { essential: true } },
    })
    // Every ConfigMap data value is a string (Kubernetes refuses anything else).
    expect(Object.values(rbac?.data ?? {}).every((v) => typeof v === 'string')).toBe(true)
    expect(rbac?.data).toEqual({ 'policy.csv': 'g, argocd-admins, role:admin\ng, argocd viewers, role:readonly\n', 'policy.default': 'role:readonly', scopes: '[groups]' })
    expect(secret).toMatchObject({ kind: 'Secret', metadata: { name: 'argocd-okta-oidc', labels: { 'app.kubernetes.io/part-of': 'argocd' } }, stringData: { clientSecret: DEFAULT_SECRET } })
  })

  it('hostile client ids and secrets read back exactly, in argocd-cm and in oidc.config inside it', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, secret) => {
        const files = await renderWith('argocd', 'native', id, secret, {}, COMPANIONS).catch((error: unknown) => {
          expect(error).toBeInstanceOf(ConfigError)
          return undefined
        })
        if (!files) {
          return
        }
        for (const version of ['1.1', '1.2'] as const) {
          const cm = parseYaml(files[0]?.text ?? '', { version }) as Manifest
          expect((parseYaml(cm.data?.['oidc.config'] ?? '', { version }) as Record<string, unknown>).clientID).toBe(id)
          expect((parseYaml(files[2]?.text ?? '', { version }) as Manifest).stringData?.clientSecret).toBe(secret)
        }
      }),
      { numRuns: 100 },
    )
  })

  it('group names that would break policy.csv are refused; --secret-ref env is refused with the kubectl alternative', async () => {
    const { resolveSettings } = await import('../../src/targets/settings.js')
    expect(() => resolveSettings(requireTarget('argocd'), [{ source: 'spec', values: { adminGroups: ['a"b'] } }])).toThrow(UsageError)
    await expect(render({ target: 'argocd', outDir: tempDir(), secret: { kind: 'env' } })).rejects.toThrow(/kubectl create secret generic/)
  })

  it('requirements: the server Web app and the CLI companion on localhost:8085', () => {
    const target = requireTarget('argocd')
    expect(target.requirements({ baseUrl: new URL(BASE) })).toMatchObject({ applicationType: 'web', redirectUris: [`${BASE}/auth/callback`], authServer: 'default' })
    expect(target.companions?.({ baseUrl: new URL(BASE) })).toEqual([
      expect.objectContaining({
        role: 'cli',
        requirements: expect.objectContaining({ tokenEndpointAuthMethod: 'none', pkceRequired: true, redirectUris: ['http://localhost:8085/auth/callback'] }),
      }),
    ])
  })

  it('doctor reads argocd-cm', () => {
    const text = readFileSync(path.join('test', 'fixtures', 'expected', 'argocd', 'native', 'argocd-cm.yaml'), 'utf8')
    expect(inspectConfigFile('argocd', 'argocd-cm.yaml', text)).toEqual({ issuer: CUSTOM, clientId: '0oa1example2client3', redirectUris: [`${BASE}/auth/callback`] })
    expect(inspectConfigFile('argocd', 'argocd-rbac-cm.yaml', '')).toBeUndefined()
  })
})
