import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { parse as parseYaml } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ConfigError, UsageError } from '../../src/domain/errors.js'
import { DEFAULT_LOGIN_PORTS, loopbackRedirectUri } from '../../src/domain/loopback.js'
import { requireTarget } from '../../src/targets/index.js'
import { inspectConfigFile } from '../../src/targets/inspect.js'
import { kubernetesRenderer } from '../../src/targets/kubernetes-render.js'
import { tempDir } from '../helpers/cli.js'
import { golden } from '../helpers/golden.js'
import { hostile, renderWith } from '../helpers/hostile.js'
import { contextFor, render } from '../helpers/render.js'

// Keys: kubernetes/website docs/reference/access-authn-authz/authentication.md (flags and AuthenticationConfiguration),
// feature-gates/StructuredAuthenticationConfiguration.md (v1 from 1.34), client-go tools/clientcmd/api/v1 ExecConfig.
const CUSTOM = 'https://example.okta.com/oauth2/default'
const SERVER = 'https://k8s.example.com:6443'
const SETTINGS = { clusterName: 'prod', loginProfile: 'k8s-prod', bindGroups: ['k8s-viewers', 'Platform Team'] }

type Jwt = { issuer: { url: string; audiences: string[] }; claimMappings: Record<string, { claim: string; prefix: string }> }
type AuthConfig = { apiVersion: string; kind: string; jwt: Jwt[] }
type Kubeconfig = {
  apiVersion: string
  kind: string
  clusters: Array<{ name: string; cluster: { server: string } }>
  users: Array<{ name: string; user: { exec: Record<string, unknown> } }>
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>
  'current-context': string
}
type Binding = { kind: string; metadata: { name: string }; roleRef: Record<string, string>; subjects?: Array<Record<string, string>> }

/** Reads the flags file the way a shell does (POSIX sh word splitting and quoting), one argv entry per flag. */
function shellArgv(text: string): string[] {
  const words = text.split('\n').filter((l) => l.startsWith('--')).join(' ')
  const r = spawnSync('sh', ['-c', `printf '%s\\0' ${words}`], { encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
  return r.stdout.split('\0').slice(0, -1)
}

const rendered = async (settings: Record<string, unknown> = SETTINGS) =>
  (await render({ target: 'kubernetes', issuer: CUSTOM, baseUrl: SERVER, outDir: tempDir(), mode: 'stdout', settings: settings as never })).files

describe('kubernetes', () => {
  it('golden files', async () => {
    const outDir = tempDir()
    const result = await render({ target: 'kubernetes', issuer: CUSTOM, baseUrl: SERVER, outDir, settings: SETTINGS })
    expect(result.files.map((f) => f.name)).toEqual(['authentication-config.yaml', 'apiserver-oidc-flags.txt', 'kubeconfig.yaml', 'clusterrolebinding.yaml'])
    for (const file of result.files) {
      golden('kubernetes', 'native', file.name, readFileSync(path.join(outDir, file.name), 'utf8'))
      expect(file.containsSecret).toBe(false)
    }
  })

  it('authentication-config.yaml parses back: v1, issuer, audience = client id, username and groups claims with prefixes', async () => {
    const [auth] = await rendered()
    for (const version of ['1.1', '1.2'] as const) {
      expect(parseYaml(auth?.text ?? '', { version }) as AuthConfig).toEqual({
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'AuthenticationConfiguration',
        jwt: [
          {
            issuer: { url: CUSTOM, audiences: ['0oa1example2client3'] },
            claimMappings: { username: { claim: 'email', prefix: 'oidc:' }, groups: { claim: 'groups', prefix: 'oidc:' } },
          },
        ],
      })
    }
    const [beta] = await rendered({ authConfigVersion: 'v1beta1', usernamePrefix: '-', groupsPrefix: '-' })
    const config = parseYaml(beta?.text ?? '') as AuthConfig
    expect(config.apiVersion).toBe('apiserver.config.k8s.io/v1beta1')
    // "if username.claim is set, username.prefix is required. Explicitly set it to "" if no prefix is desired."
    expect(config.jwt[0]?.claimMappings).toEqual({ username: { claim: 'email', prefix: '' }, groups: { claim: 'groups', prefix: '' } })
  })

  it('apiserver-oidc-flags.txt: the equivalent --oidc-* flags, read back by a real shell', async () => {
    const [, flags] = await rendered()
    expect(shellArgv(flags?.text ?? '')).toEqual([
      `--oidc-issuer-url=${CUSTOM}`,
      '--oidc-client-id=0oa1example2client3',
      '--oidc-username-claim=email',
      '--oidc-username-prefix=oidc:',
      '--oidc-groups-claim=groups',
      '--oidc-groups-prefix=oidc:',
    ])
    const [, none] = await rendered({ usernameClaim: 'sub', usernamePrefix: '-', groupsPrefix: '-' })
    // "-" disables username prefixing (else sub would become "{issuer}#sub"); no groups prefix is the flag left out.
    expect(shellArgv(none?.text ?? '')).toEqual([`--oidc-issuer-url=${CUSTOM}`, '--oidc-client-id=0oa1example2client3', '--oidc-username-claim=sub', '--oidc-username-prefix=-', '--oidc-groups-claim=groups'])
  })

  it('kubeconfig.yaml: the exec plugin is oidc-setup token --id-token --format exec-credential, client.authentication.k8s.io/v1', async () => {
    const [, , kube] = await rendered()
    const config = parseYaml(kube?.text ?? '', { version: '1.1' }) as Kubeconfig
    expect(config).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'prod', cluster: { server: SERVER } }],
      contexts: [{ name: 'okta@prod', context: { cluster: 'prod', user: 'okta-k8s-prod' } }],
      'current-context': 'okta@prod',
    })
    expect(config.users).toEqual([
      {
        name: 'okta-k8s-prod',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: 'oidc-setup',
            args: ['token', '--profile', 'k8s-prod', '--id-token', '--format', 'exec-credential'],
            installHint: expect.stringContaining('oidc-setup login --profile k8s-prod'),
            interactiveMode: 'Never',
            provideClusterInfo: false,
          },
        },
      },
    ])
  })

  it('clusterrolebinding.yaml: the Okta groups with the groups prefix, bound to view by default; no groups binds nobody', async () => {
    const [, , , binding] = await rendered()
    expect(parseYaml(binding?.text ?? '') as Binding).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'okta-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'oidc:k8s-viewers' },
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'oidc:Platform Team' },
      ],
    })
    const [, , , empty] = await rendered({ clusterRole: 'cluster-admin' })
    const none = parseYaml(empty?.text ?? '') as Binding
    expect(none.roleRef.name).toBe('cluster-admin')
    expect(none.subjects).toBeUndefined()
  })

  it('merge keeps the user\'s other authenticators, keys and kubeconfig entries, and updates its own in place', () => {
    const context = contextFor({ target: 'kubernetes', issuer: CUSTOM, baseUrl: SERVER, settings: SETTINGS })
    const existing = [
      'apiVersion: apiserver.config.k8s.io/v1beta1',
      'kind: AuthenticationConfiguration',
      'jwt:',
      '- issuer: {url: "https://other.example.com", audiences: [x]}',
      '  claimMappings: {username: {claim: sub, prefix: "o:"}}',
      `- issuer: {url: "${CUSTOM}", audiences: [old], certificateAuthority: "PEM"}`,
      '  claimValidationRules: [{claim: hd, requiredValue: example.com}]',
      '',
    ].join('\n')
    const merged = parseYaml(kubernetesRenderer.merge('authentication-config.yaml', existing, context, new Map()).text) as AuthConfig & { jwt: Array<Record<string, unknown>> }
    expect(merged.jwt).toHaveLength(2)
    expect(merged.jwt[0]).toEqual({ issuer: { url: 'https://other.example.com', audiences: ['x'] }, claimMappings: { username: { claim: 'sub', prefix: 'o:' } } })
    expect(merged.jwt[1]).toMatchObject({ issuer: { url: CUSTOM, audiences: ['0oa1example2client3'], certificateAuthority: 'PEM' }, claimValidationRules: [{ claim: 'hd' }] })
    const kube = 'apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: "https://old", certificate-authority-data: Q0E=}\nusers: []\ncontexts: []\n'
    const config = parseYaml(kubernetesRenderer.merge('kubeconfig.yaml', kube, context, new Map()).text) as Kubeconfig
    expect(config.clusters).toEqual([{ name: 'prod', cluster: { server: SERVER, 'certificate-authority-data': 'Q0E=' } }])
    const flags = kubernetesRenderer.merge('apiserver-oidc-flags.txt', '--oidc-client-id=old\n--audit-log-path=/var/log/audit.log\n', context, new Map()).text
    expect(shellArgv(flags).filter((f) => f.includes('client-id') || f.includes('audit'))).toEqual(['--audit-log-path=/var/log/audit.log', '--oidc-client-id=0oa1example2client3'])
    expect(() => kubernetesRenderer.merge('kubeconfig.yaml', 'clusters: 3\n', context, new Map())).toThrow(ConfigError)
  })

  it('hostile client ids and group names read back exactly (YAML 1.1 and 1.2, and the shell), or are refused', async () => {
    let written = 0
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (id, group) => {
        const files = await renderWith('kubernetes', 'native', id, 'unused', { bindGroups: [group] }).catch((error: unknown) => {
          expect(error).toBeInstanceOf(ConfigError)
          return undefined
        })
        if (!files) {
          return
        }
        for (const version of ['1.1', '1.2'] as const) {
          expect((parseYaml(files[0]?.text ?? '', { version }) as AuthConfig).jwt[0]?.issuer.audiences).toEqual([id])
          expect((parseYaml(files[3]?.text ?? '', { version }) as Binding).subjects?.[0]?.name).toBe(`oidc:${group}`)
        }
        expect(shellArgv(files[1]?.text ?? '')[1]).toBe(`--oidc-client-id=${id}`)
        written++
      }),
      { numRuns: 100 },
    )
    // Most hostile values are written (quoted), not refused: only control characters and line breaks are.
    expect(written).toBeGreaterThan(20)
  })

  it('settings are checked: a prefix with spaces, an unknown username claim, a bad ClusterRole name are refused', async () => {
    const { resolveSettings } = await import('../../src/targets/settings.js')
    const target = requireTarget('kubernetes')
    for (const values of [{ usernamePrefix: 'a b' }, { usernameClaim: 'name' }, { clusterRole: 'Cluster Admin' }, { bindGroups: ['a\nb'] }, { authConfigVersion: 'v1alpha1' }]) {
      expect(() => resolveSettings(target, [{ source: 'spec', values }])).toThrow(UsageError)
    }
  })

  it('requirements: one native public app with PKCE on the cli preset\'s loopback redirects (its client id is the audience)', () => {
    const target = requireTarget('k8s')
    expect(target.name).toBe('kubernetes')
    expect(target.requirements({ baseUrl: new URL(SERVER) })).toMatchObject({
      applicationType: 'native',
      tokenEndpointAuthMethod: 'none',
      pkceRequired: true,
      redirectUris: DEFAULT_LOGIN_PORTS.map(loopbackRedirectUri),
      scopes: expect.arrayContaining(['openid', 'email', 'offline_access']),
    })
    expect(target.companions).toBeUndefined()
  })

  it('doctor reads the issuer and client id from authentication-config.yaml and from the flags (quoted ones too)', () => {
    const golden = (name: string): string => readFileSync(path.join('test', 'fixtures', 'expected', 'kubernetes', 'native', name), 'utf8')
    const want = { issuer: CUSTOM, clientId: '0oa1example2client3' }
    expect(inspectConfigFile('kubernetes', 'authentication-config.yaml', golden('authentication-config.yaml'))).toMatchObject({ ...want, advice: undefined })
    expect(inspectConfigFile('kubernetes', 'apiserver-oidc-flags.txt', golden('apiserver-oidc-flags.txt'))).toEqual(want)
    expect(inspectConfigFile('kubernetes', 'apiserver-oidc-flags.txt', "--oidc-client-id='a'\\''b c'\n")?.clientId).toBe("a'b c")
    expect(inspectConfigFile('kubernetes', 'kubeconfig.yaml', '')).toBeUndefined()
    expect(() => inspectConfigFile('kubernetes', 'values.yaml', '')).toThrow(ConfigError)
  })
})
