import path from 'node:path'
import { ConfigError, ManagementApiError, UsageError } from '../../domain/errors.js'
import { DEFAULT_CONNECTION } from '../../domain/connection.js'
import { isValidProfileName } from '../../domain/profile.js'
import { normalizeOrgUrl, READ_SCOPES, type OktaAuth } from '../../domain/okta-credentials.js'
import { configureOkta } from '../../usecases/configure-okta.js'
import { withExamples, type RegisterCommand } from '../context.js'
import { collect, connectOkta, oktaCommand } from './okta.js'

/** Write permissions `okta configure` cannot confirm without writing. */
const WRITE_PERMISSIONS = ['okta.apps.manage', 'okta.authorizationServers.manage', 'okta.trustedOrigins.manage'] as const

interface ConfigureOptions {
  org?: string
  orgUrl?: string
  apiTokenEnv?: string
  apiTokenFile?: string
  clientId?: string
  privateKeyFile?: string
  keyId?: string
  scope?: string[]
  verify: boolean
}

/** `oidc-setup okta configure`: where the Management API is and how to authenticate to it. */
export const registerOktaConfigure: RegisterCommand = (program, ctx) => {
  const cmd = oktaCommand(program)
    .command('configure')
    .description('save an Okta org connection: the org URL and Management API credentials (API token or private_key_jwt service app)')
    .option('--org <name>', `the connection's name; app profiles and specs refer to it (default: "${DEFAULT_CONNECTION}", or --profile's name)`)
    .option('--org-url <url>', 'the Okta org URL, e.g. https://example.okta.com')
    .option('--api-token-env <name>', 'read the SSWS API token from this environment variable')
    .option('--api-token-file <path>', 'read the SSWS API token from this file ("-" for stdin)')
    .option('--client-id <id>', 'OAuth service app client id (private_key_jwt instead of an API token)')
    .option('--private-key-file <path>', 'PEM or JWK private key of the service app')
    .option('--key-id <kid>', 'key id of the private key (needed for PEM keys)')
    .option(
      '--scope <scope>',
      'an Okta API scope granted to the service app (repeatable); each command requests only the scopes it needs, preferring these (default: any)',
      collect,
    )
    .option('--no-verify', 'save without checking the credentials against Okta')
    .action(async (options: ConfigureOptions, command) => {
      const c = ctx.context(command)
      const { deps, out, globals, interactive, profileExplicit } = c
      // Validate every flag before any side effect.
      if (options.apiTokenEnv && options.apiTokenFile) {
        throw new UsageError('--api-token-env and --api-token-file exclude each other')
      }
      const keyMode = options.clientId !== undefined || options.privateKeyFile !== undefined
      if (keyMode && (options.apiTokenEnv || options.apiTokenFile)) {
        throw new UsageError('use either an API token (--api-token-env/--api-token-file) or a service app (--client-id, --private-key-file), not both')
      }
      if (keyMode && (!options.clientId || !options.privateKeyFile)) {
        throw new UsageError('private_key_jwt needs both --client-id and --private-key-file')
      }
      let orgUrlText = options.orgUrl ?? deps.io.env.OKTA_CLIENT_ORGURL
      if (!orgUrlText) {
        if (!interactive) {
          throw new UsageError('missing --org-url', { hint: 'pass --org-url https://your-org.okta.com' })
        }
        orgUrlText = await deps.prompt.input('Okta org URL (https://your-org.okta.com):', {
          validate: (v) => {
            try {
              normalizeOrgUrl(v)
              return true
            } catch (e) {
              return (e as Error).message
            }
          },
        })
      }
      const orgUrl = normalizeOrgUrl(orgUrlText)
      // `okta configure --profile work` (the old form) names a connection "work" and points profile "work" at it.
      const connection = options.org ?? (profileExplicit ? globals.profile : DEFAULT_CONNECTION)
      if (!isValidProfileName(connection)) {
        throw new UsageError(`invalid connection name "${connection}" (--org)`, {
          hint: 'use letters, digits, ".", "_" and "-" (at most 64 characters)',
        })
      }
      let auth: OktaAuth
      let privateKeyFile: string | undefined
      if (keyMode) {
        privateKeyFile = path.resolve(deps.io.cwd, options.privateKeyFile as string)
        const key = await deps.fs.readText(privateKeyFile)
        if (key === undefined || !key.trim()) {
          throw new ConfigError(`could not read the private key file ${privateKeyFile}`, { hint: 'pass the PEM or JWK file of the service app key (--private-key-file PATH)' })
        }
        if (key.includes('-----BEGIN') && !options.keyId) {
          throw new UsageError('a PEM private key needs --key-id (the kid registered with the service app)')
        }
        auth = {
          mode: 'PrivateKey',
          clientId: options.clientId as string,
          privateKey: key.trim(),
          keyId: options.keyId,
          scopes: options.scope ?? [],
        }
      } else {
        let token: string | undefined
        if (options.apiTokenEnv) {
          token = deps.io.env[options.apiTokenEnv]
          if (!token) {
            throw new UsageError(`the environment variable ${options.apiTokenEnv} (from --api-token-env) is empty or unset`)
          }
        } else if (options.apiTokenFile === '-') {
          token = await deps.io.readStdin()
        } else if (options.apiTokenFile) {
          token = await deps.fs.readText(path.resolve(deps.io.cwd, options.apiTokenFile))
          if (token === undefined) {
            throw new ConfigError(`could not read --api-token-file ${options.apiTokenFile}: no such file`, {
            hint: 'pass the path of a file holding the token, or - to read it from stdin',
          })
          }
        } else if (interactive) {
          token = await deps.prompt.password('Okta API token (Security › API › Tokens):')
        } else {
          throw new UsageError('missing the API token', {
            hint: 'pass --api-token-env NAME or --api-token-file PATH (or - for stdin); tokens are never accepted as plain arguments',
          })
        }
        token = token.trim()
        if (!token) {
          throw new UsageError('the API token is empty')
        }
        auth = { mode: 'SSWS', token }
      }
      out.registerSecret(auth.mode === 'SSWS' ? auth.token : auth.privateKey)
      const step = out.step(options.verify ? `checking credentials against ${orgUrl}` : 'saving credentials')
      let result
      try {
        result = await configureOkta(
          { connection, profile: profileExplicit ? globals.profile : undefined, orgUrl, auth, privateKeyFile, verify: options.verify },
          {
            connections: deps.connections,
            profiles: deps.profiles,
            secretStore: () => deps.secretStore({ kind: globals.secretStore, probe: true }),
            connect: (credentials) => connectOkta(c, credentials, READ_SCOPES),
          },
        )
      } catch (error) {
        step.fail()
        if (auth.mode === 'PrivateKey' && error instanceof ManagementApiError && error.details.status === 401) {
          // With a service app, a 401 usually means the token request failed: an ungranted scope (invalid_scope), a
          // key Okta does not know, or a wrong client id.
          throw new ManagementApiError(error.message, error.details, {
            hint: `check that the service app ${auth.clientId} has the public key ${auth.keyId ?? '(kid)'} and that every requested scope is granted to it (Okta API Scopes tab); request fewer with --scope`,
            cause: error,
          })
        }
        throw error
      }
      step.done()
      for (const missing of result.unconfirmed) {
        out.warn(`could not confirm ${missing.permission}: ${missing.reason}`)
      }
      if (result.verified) {
        // Write permissions cannot be confirmed without writing; say so rather than imply they were checked.
        out.info(
          `${result.unconfirmed.length ? '' : 'read access confirmed (apps, authorization servers, groups, trusted origins); '}not checked, as that would need a write: ${WRITE_PERMISSIONS.join(', ')}`,
        )
        out.hint('`oidc-setup okta create-app --dry-run` only reads; a missing write permission fails create-app with exit 5 and names the scope')
      }
      out.info(
        `${result.authMode === 'SSWS' ? 'API token' : 'private key'} stored in the ${result.secretStore}; org URL saved in connection "${result.connection}"${result.profile ? `, which profile "${result.profile}" uses` : ''}`,
      )
      if (globals.json) {
        // The same facts as the text: what could not be confirmed, and the write permissions never checked.
        out.json({ ...result, notChecked: result.verified ? [...WRITE_PERMISSIONS] : [] })
      } else {
        out.result(`configured ${result.orgUrl} as connection ${result.connection}`)
      }
    })
  withExamples(cmd, [
    'oidc-setup okta configure --org-url https://example.okta.com            # prompts for the API token',
    'oidc-setup okta configure --org-url https://example.okta.com --api-token-env OKTA_API_TOKEN',
    'oidc-setup okta configure --org prod --org-url https://example.okta.com --api-token-env OKTA_PROD_TOKEN   # a second org',
    'pass show okta/token | oidc-setup okta configure --org-url https://example.okta.com --api-token-file -',
    'oidc-setup okta configure --org-url https://example.okta.com --client-id 0oa123 --private-key-file key.pem --key-id kid1',
  ])
}
