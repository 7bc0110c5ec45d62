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
    throw new UsageError(`target "${target.name}" cannot use private_key_jwt: oidc-setup has not verified a private-key client setting in its config, so it renders a client secret only`, {
      hint: 'drop --client-auth private-key-jwt for this target; private_key_jwt is available for --target service and --target web',
    })
  }
  return 'private_key_jwt'
}
