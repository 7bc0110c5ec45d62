import type { Command } from 'commander'
import type { OktaCredentials } from '../../domain/okta-credentials.js'
import type { Change } from '../../domain/provision-plan.js'
import type { OktaAdmin } from '../../infra/okta-admin.js'
import { resolveOktaCredentials, type CredentialChoice, type CredentialSources } from '../../infra/okta-credentials.js'
import { withExamples, type ActionContext } from '../context.js'
import { VERSION } from '../../version.js'

/** The `okta` command group, created by whichever okta-* module registers first. */
export function oktaCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'okta')
  if (existing) {
    return existing
  }
  return withExamples(
    program.command('okta').description('provision and inspect the Okta side: credentials, app integrations, authorization servers'),
    [
      'oidc-setup okta configure --org-url https://example.okta.com --api-token-env OKTA_API_TOKEN',
      'oidc-setup okta create-app --target galaxy --base-url https://galaxy.example.org --assign-group Everyone',
      'oidc-setup okta apps list',
      'oidc-setup okta delete-app --profile galaxy   # lists what it deletes and asks, on a terminal',
    ],
  )
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/** What credential resolution reads, from a command's context. */
export function credentialSources(c: ActionContext): CredentialSources {
  const { deps, globals } = c
  return {
    env: deps.io.env,
    homedir: deps.io.homedir,
    fs: deps.fs,
    profiles: deps.profiles,
    connections: deps.connections,
    secretStore: () => deps.secretStore({ kind: globals.secretStore }),
  }
}

/**
 * Resolves Management API credentials (env, the connection, legacy profile, ~/.okta/okta.yaml) and connects, with
 * redacted --debug traces.
 * `scopes` are the Okta API scopes the command needs (private-key mode requests exactly those, and more per call). `choice.connection` names the connection to use (`--org`, a spec environment);
 * `choice.profile` the profile whose connection applies (default: --profile).
 */
export async function connectOkta(
  c: ActionContext,
  credentials?: OktaCredentials,
  scopes?: readonly string[],
  choice: CredentialChoice & { profile?: string | undefined } = {},
): Promise<OktaAdmin> {
  const { deps, out, globals } = c
  const creds = credentials ?? (await resolveOktaCredentials(choice.profile ?? globals.profile, credentialSources(c), choice))
  out.registerSecret(creds.auth.mode === 'SSWS' ? creds.auth.token : creds.auth.privateKey)
  out.debug(`Okta org ${creds.orgUrl}, credentials from ${creds.source} (${creds.auth.mode})`)
  return deps.oktaAdmin(creds, { trace: (line) => out.debug(line), userAgent: `oidc-setup/${VERSION}`, scopes })
}

/** One line for a change, for people. */
export function describeChange(change: Change, dryRun: boolean): string {
  const verb = {
    create: dryRun ? 'would create' : 'created',
    update: dryRun ? 'would update' : 'updated',
    delete: dryRun ? 'would delete' : 'deleted',
    unchanged: 'unchanged',
  }[change.action]
  const fields = change.fields?.length ? ` (${change.fields.join(', ')})` : ''
  const id = change.id ? ` ${change.id}` : ''
  return `${change.type} "${change.name}"${id}: ${verb}${fields}`
}
