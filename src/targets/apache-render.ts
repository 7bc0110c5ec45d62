import { apacheGroups } from './apache.js'
import { apacheQuote, directiveLine, directiveValue, setDirectives } from './apache-conf.js'
import { templateText } from './templates.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const CONF = 'oidc.conf'
const PASSPHRASE_BYTES = 32

/** The protected `<Location>`: everything under the base URL, the redirect URI included. */
function locationBlock(context: RenderContext): string {
  const path = new URL(context.baseUrl).pathname.replace(/\/+$/, '')
  const groups = apacheGroups(context.settings)
  const require =
    groups.length === 0
      ? ['    Require valid-user']
      : [
          // Several Require lines in one block mean "any"; RequireAll makes the group a condition, not an alternative.
          '    <RequireAll>',
          '        Require valid-user',
          `        ${directiveLine('Require claim', groups.map((g) => apacheQuote('requireGroups', `groups:${g}`)))}`,
          '    </RequireAll>',
        ]
  return [`<Location ${apacheQuote('--base-url', `${path}/`)}>`, '    AuthType openid-connect', ...require, '</Location>'].join('\n')
}

function apply(text: string, context: RenderContext, fresh: boolean): RenderedFile {
  const secrets: string[] = []
  const oldSecret = directiveValue(text, 'OIDCClientSecret')
  const oldPassphrase = directiveValue(text, 'OIDCCryptoPassphrase')
  for (const old of [oldSecret, oldPassphrase]) {
    if (old && !/^\$\{[^}]+\}$/.test(old)) {
      secrets.push(old)
    }
  }
  let secret = '${OKTA_CLIENT_SECRET}'
  let passphrase = '${OIDC_CRYPTO_PASSPHRASE}'
  let secretArg = secret
  let passphraseArg = passphrase
  if (context.clientSecret.kind === 'literal') {
    secret = context.clientSecret.value
    // A kept passphrase keeps sessions and state cookies valid across re-renders.
    passphrase = oldPassphrase && !oldPassphrase.startsWith('${') ? oldPassphrase : context.randomBase64(PASSPHRASE_BYTES)
    secretArg = apacheQuote('OIDCClientSecret', secret)
    passphraseArg = apacheQuote('OIDCCryptoPassphrase', passphrase)
    secrets.push(secret, passphrase)
  } else {
    // httpd replaces ${NAME} with the environment variable when it reads the config (ap_resolve_env).
    secretArg = `"${secret}"`
    passphraseArg = `"${passphrase}"`
  }
  const remoteUser = context.settings.remoteUserClaim
  const values: Array<[string, string]> = [
    ['OIDCProviderMetadataURL', directiveLine('OIDCProviderMetadataURL', [apacheQuote('OIDCProviderMetadataURL', context.discoveryUri)])],
    ['OIDCClientID', directiveLine('OIDCClientID', [apacheQuote('OIDCClientID', context.clientId)])],
    ['OIDCClientSecret', directiveLine('OIDCClientSecret', [secretArg])],
    ['OIDCRedirectURI', directiveLine('OIDCRedirectURI', [apacheQuote('OIDCRedirectURI', `${context.baseUrl}/redirect_uri`)])],
    ['OIDCCryptoPassphrase', directiveLine('OIDCCryptoPassphrase', [passphraseArg])],
    // "multiple scope values must be enclosed in a single pair of double quotes" (auth_openidc.conf).
    ['OIDCScope', directiveLine('OIDCScope', [apacheQuote('OIDCScope', context.requirements.scopes.join(' '))])],
    ['OIDCPKCEMethod', 'OIDCPKCEMethod S256'],
  ]
  if (typeof remoteUser === 'string') {
    values.push(['OIDCRemoteUserClaim', directiveLine('OIDCRemoteUserClaim', [apacheQuote('remoteUserClaim', remoteUser)])])
  }
  let out = setDirectives(text, values)
  // The protected location is ours on a fresh file; a merged file keeps the user's own <Location> blocks.
  if (fresh || !/^\s*AuthType\s+openid-connect\b/im.test(out)) {
    out = `${out.replace(/\n*$/, '\n')}\n${locationBlock(context)}\n`
  }
  return { path: CONF, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** Renders mod_auth_openidc's directives and a protected `<Location>` as `oidc.conf`. */
export const apacheRenderer: TargetRenderer = {
  files: () => [CONF],
  render(context, templates) {
    return [apply(templateText(templates, 'apache', CONF), context, true)]
  },
  merge(_path, existingText, context) {
    return apply(existingText, context, false)
  },
}
