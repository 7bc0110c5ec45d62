import type { TokenEndpointAuthMethod } from '../domain/app-requirements.js'
import { UsageError } from '../domain/errors.js'
import type { AppIntent } from '../domain/intent.js'
import type { OktaAppRequirements, TargetModule } from './types.js'

/**
 * Targets whose client may authenticate with `private_key_jwt` (issue 15 item 2): the Okta-only presets, whose
 * client is the user's own code, which signs its assertions with the key from the secret store. Every rendering
 * target is refused until its own source shows a private-key client setting that oidc-setup renders and a judge
 * proves; none has been verified yet, so none renders a private key reference.
 */
export const PRIVATE_KEY_JWT_TARGETS: ReadonlySet<string> = new Set(['service', 'web'])

/** Why a rendering target is refused, where its source was checked; the others get the generic reason. */
const REFUSALS: Record<string, string> = {
  // OpenIDC/mod_auth_openidc: its token-endpoint client auth fails with "no private keys have been configured to use
  // for private_key_jwt client authentication (OIDCPrivateKeyFiles)"; the key is a PEM file named in the Apache config.
  apache: 'mod_auth_openidc reads the private key from a PEM file on disk (OIDCPrivateKeyFiles), and oidc-setup keeps it in the secret store only',
  // @auth/core lib/actions/callback/oauth/callback.js: `case "private_key_jwt"` signs
  // with `provider.token.clientPrivateKey`, set in code; the Okta provider reads only AUTH_OKTA_ID/SECRET/ISSUER.
  authjs: 'Auth.js takes the private key only in code (provider token.clientPrivateKey), and oidc-setup renders only .env.local',
  // oauth2-proxy/oauth2-proxy#2909 (RFC, open) and #3483 (a pre-signed --client-assertion-file, open): no release signs
  // private_key_jwt assertions.
  'oauth2-proxy': 'oauth2-proxy has no private_key_jwt client authentication (oauth2-proxy/oauth2-proxy#2909 is open)',
}

/**
 * The token endpoint auth method an intent's `clientAuth` asks for, given the target's own; throws a UsageError
 * (exit 2) for a combination the target cannot use. Absent `clientAuth`: the target's method.
 */
export function clientAuthMethod(target: TargetModule, req: OktaAppRequirements, clientAuth: AppIntent['clientAuth']): TokenEndpointAuthMethod {
  if (clientAuth === undefined) {
    return req.tokenEndpointAuthMethod
  }
  if (req.tokenEndpointAuthMethod === 'none') {
    throw new UsageError(`target "${target.name}" is a public client: it has no client authentication to choose (--client-auth ${clientAuth})`, {
      hint: 'drop --client-auth (clientAuth in the spec), or pick a confidential target such as web or service',
    })
  }
  if (clientAuth === 'client-secret') {
    return req.tokenEndpointAuthMethod === 'private_key_jwt' ? 'client_secret_basic' : req.tokenEndpointAuthMethod
  }
  if (!PRIVATE_KEY_JWT_TARGETS.has(target.name)) {
    const why = REFUSALS[target.name] ?? 'oidc-setup has not verified a private-key client setting in its config, so it renders a client secret only'
    throw new UsageError(`target "${target.name}" cannot use private_key_jwt: ${why}`, {
      hint: 'drop --client-auth private-key-jwt for this target; private_key_jwt is available for --target service and --target web',
    })
  }
  return 'private_key_jwt'
}
