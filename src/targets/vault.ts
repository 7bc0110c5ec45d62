import { joinUrl } from '../domain/urls.js'
import type { RenderableTarget } from './types.js'

// Sources: hashicorp/vault-plugin-auth-jwt@2e68bbaf path_config.go (oidc_discovery_url "without any .well-known
// component", oidc_client_id, oidc_client_secret, default_role), path_role.go (role_type, bound_audiences,
// allowed_redirect_uris, oidc_scopes as TypeCommaStringSlice, user_claim, groups_claim, token_* via tokenutil),
// cli.go (`vault login -method=oidc` listens on localhost:8250 and sends http://localhost:8250/oidc/callback; default
// mount "oidc"); Vault's UI callback is {vault}/ui/vault/auth/{mount}/oidc/callback.

/** The mount path of the auth method (the UI callback contains it). */
function mountOf(settings: Readonly<Record<string, unknown>> | undefined): string {
  return typeof settings?.mount === 'string' ? settings.mount : 'oidc'
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
const checkName = (value: string): string | undefined => (NAME.test(value) ? undefined : 'letters, digits, "_", "." and "-"')

/** Vault's OIDC auth method (the JWT/OIDC plugin): a Web app for the UI and the CLI's localhost:8250 listener. */
export const vault: RenderableTarget = {
  name: 'vault',
  aliases: ['openbao'],
  title: 'HashiCorp Vault (OIDC auth method)',
  summary: 'Vault OIDC auth method: config and role as JSON request bodies and a vault CLI script; --base-url is VAULT_ADDR',
  formats: ['native'],
  settings: [
    { key: 'mount', kind: 'string', description: 'the auth method\'s mount path (part of the UI callback URI)', required: false, default: 'oidc', validate: checkName, example: 'oidc' },
    { key: 'role', kind: 'string', description: 'the role users sign in with (also default_role)', required: false, default: 'okta', validate: checkName, example: 'okta' },
    { key: 'policies', kind: 'list', description: 'Vault policies of the tokens the role issues', required: false, default: ['default'], validate: checkName, example: 'default' },
  ],
  requirements({ baseUrl, settings }) {
    return {
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: [joinUrl(baseUrl, `/ui/vault/auth/${mountOf(settings)}/oidc/callback`), 'http://localhost:8250/oidc/callback'],
      postLogoutRedirectUris: [],
      scopes: ['openid', 'profile', 'email'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceRequired: false,
      authServer: 'default',
      notes: [
        'two redirect URIs: the UI callback and http://localhost:8250/oidc/callback, where `vault login -method=oidc` listens (exactly localhost, port 8250)',
        'groups_claim reads "groups" from the ID token: a groups claim on a custom authorization server (--groups-claim)',
        'oidc_discovery_url is the issuer itself (Vault adds /.well-known/openid-configuration)',
      ],
    }
  },
  nextSteps() {
    return [
      'OKTA_CLIENT_SECRET=… VAULT_ADDR=… VAULT_TOKEN=… sh vault-oidc.sh (or POST the JSON bodies to /v1/auth/<mount>/config and /v1/auth/<mount>/role/<role>)',
      'then: vault login -method=oidc role=<role>',
    ]
  },
  loadRenderer: async () => (await import('./vault-render.js')).vaultRenderer,
}
