// Issue 13 "Tests and measures": the Kubernetes manifests oidc-setup renders (argocd's ConfigMaps and Secret, the
// kubernetes target's ClusterRoleBinding, GitLab's provider Secret) validated against the Kubernetes OpenAPI schemas.
// `kubectl apply --dry-run=client --validate` cannot run offline (it downloads /openapi/v2 from a server), so the
// schemas come from kubernetes-models, whose validators are generated from the Kubernetes OpenAPI definitions
// (tommy351/kubernetes-models-ts, `validate()` per kind). Kubernetes' own name rule (RFC 1123 subdomain,
// k8s.io/apimachinery/pkg/util/validation/validation.go IsDNS1123Subdomain) is checked beside it: the OpenAPI has no
// pattern for names.
import fc from 'fast-check'
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { Secret } from 'kubernetes-models/v1/Secret'
import { parseAllDocuments } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ConfigError, UsageError } from '../../src/domain/errors.js'
import { tempDir } from '../helpers/cli.js'
import { hostile } from '../helpers/hostile.js'
import { render, type RenderOptions } from '../helpers/render.js'

const CUSTOM = 'https://example.okta.com/oauth2/default'
const ORG = 'https://example.okta.com'

type Manifest = { apiVersion?: string; kind?: string; metadata?: { name?: string } }

/** The validator for each kind oidc-setup renders; an unknown kind fails the test (a new manifest needs its schema). */
const VALIDATORS: Record<string, (m: object) => void> = {
  'v1/ConfigMap': (m) => new ConfigMap(m as ConstructorParameters<typeof ConfigMap>[0]).validate(),
  'v1/Secret': (m) => new Secret(m as ConstructorParameters<typeof Secret>[0]).validate(),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': (m) => new ClusterRoleBinding(m as ConstructorParameters<typeof ClusterRoleBinding>[0]).validate(),
}

// IsDNS1123Subdomain: at most 253 characters of lower-case alphanumerics, '-' and '.', alphanumeric at both ends.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** Every Kubernetes object among a render's files (kubeconfig and AuthenticationConfiguration are config files, not API objects). */
async function manifestsOf(options: Omit<RenderOptions, 'outDir'>): Promise<Array<{ file: string; manifest: Manifest }>> {
  const result = await render({ ...options, outDir: tempDir(), mode: 'stdout' })
  const out: Array<{ file: string; manifest: Manifest }> = []
  for (const file of result.files.filter((f) => /\.ya?ml$/.test(f.name))) {
    for (const doc of parseAllDocuments(file.text)) {
      expect(doc.errors, file.name).toEqual([])
      const manifest = doc.toJS() as Manifest | null
      if (manifest && typeof manifest === 'object' && 'kind' in manifest && manifest.kind !== 'Config' && manifest.kind !== 'AuthenticationConfiguration') {
        out.push({ file: file.name, manifest })
      }
    }
  }
  return out
}

function validate({ file, manifest }: { file: string; manifest: Manifest }): void {
  const validator = VALIDATORS[`${manifest.apiVersion}/${manifest.kind}`]
  expect(validator, `${file}: no schema for ${manifest.apiVersion} ${manifest.kind}`).toBeDefined()
  validator?.(manifest)
  const name = manifest.metadata?.name ?? ''
  expect(name.length <= 253 && DNS1123_SUBDOMAIN.test(name), `${file}: metadata.name ${JSON.stringify(name)} is not a DNS-1123 subdomain`).toBe(true)
}

const RENDERS: Array<Omit<RenderOptions, 'outDir'>> = [
  {
    target: 'argocd',
    issuer: CUSTOM,
    baseUrl: 'https://argocd.example.com',
    settings: { adminGroups: ['argocd-admins'], readonlyGroups: ['argocd viewers'] },
    companions: { cli: { clientId: '0oa9cli0client' } },
  },
  { target: 'kubernetes', issuer: CUSTOM, baseUrl: 'https://k8s.example.com:6443', settings: { bindGroups: ['k8s-viewers', 'Platform Team'] } },
  { target: 'gitlab', issuer: ORG, baseUrl: 'https://gitlab.example.com' },
]

describe('Kubernetes manifests against the Kubernetes OpenAPI schemas (kubernetes-models)', () => {
  it('the validators refuse what the API server refuses (so the checks below can fail)', () => {
    expect(() => VALIDATORS['v1/ConfigMap']?.({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { n: 1 } })).toThrow(/must be string/)
    expect(() => VALIDATORS['rbac.authorization.k8s.io/v1/ClusterRoleBinding']?.({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'a' } })).toThrow(/roleRef/)
    expect(DNS1123_SUBDOMAIN.test('Argo CD')).toBe(false)
  })

  for (const options of RENDERS) {
    it(`${options.target}: every rendered object is valid for its kind`, async () => {
      const manifests = await manifestsOf(options)
      expect(manifests.length).toBeGreaterThan(0)
      manifests.forEach(validate)
    })
  }

  it('hostile group names and client ids: either refused with a usage/config error or rendered into valid objects', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (group, clientId) => {
        for (const options of [
          { ...RENDERS[0], clientId, settings: { adminGroups: [group] } },
          { ...RENDERS[1], clientId, settings: { bindGroups: [group] } },
        ] as Array<Omit<RenderOptions, 'outDir'>>) {
          const manifests = await manifestsOf(options).catch((error: unknown) => {
            expect(error instanceof UsageError || error instanceof ConfigError, String(error)).toBe(true)
            return []
          })
          manifests.forEach(validate)
        }
      }),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? 60) },
    )
  })
})
