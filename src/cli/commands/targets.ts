import type { Command } from 'commander'
import { targets } from '../../targets/index.js'
import { isRenderable } from '../../targets/types.js'
import { withExamples, type RegisterCommand } from '../context.js'

// Requirements are derived from a base URL; a placeholder host is swapped for "{base}" in the listing.
const PLACEHOLDER = 'https://base.invalid'

/** Puts "{base}" back for the placeholder, and "{reversed base host}" where a native app reverses the host. */
function placeholder(value: string): string {
  return value.split(PLACEHOLDER).join('{base}').split('invalid.base').join('{reversed base host}')
}

function placeholders(values: string[]): string[] {
  return values.map(placeholder)
}

/** `oidc-setup targets`: lists the targets and what each needs from Okta. */
export const registerTargets: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('targets')
    .description('list the targets and what each needs registered in Okta')
    .action((_options: unknown, self: Command) => {
      const { out, globals } = ctx.context(self)
      const rows = targets.map((t) => {
        const okta = t.requirements({ baseUrl: new URL(PLACEHOLDER) })
        return {
          name: t.name,
          aliases: t.aliases,
          title: t.title,
          summary: t.summary,
          renderConfig: isRenderable(t) ? { formats: t.formats, secretRef: t.secretRefUnsupported === undefined } : null,
          settings: (t.settings ?? []).map((s) => ({
            key: s.key,
            kind: s.kind,
            required: s.required,
            description: s.description,
            example: s.example,
            ...(s.default === undefined ? {} : { default: s.default }),
          })),
          okta: {
            applicationType: okta.applicationType,
            grantTypes: okta.grantTypes,
            redirectUris: placeholders(okta.redirectUris),
            postLogoutRedirectUris: placeholders(okta.postLogoutRedirectUris),
            scopes: okta.scopes,
            tokenEndpointAuthMethod: okta.tokenEndpointAuthMethod,
            pkceRequired: okta.pkceRequired,
            authServer: okta.authServer,
            notes: okta.notes.map(placeholder),
          },
        }
      })
      if (globals.json) {
        out.json(rows)
        return
      }
      const lines: string[] = []
      for (const row of rows) {
        const aliases = row.aliases.length > 0 ? ` (alias: ${row.aliases.join(', ')})` : ''
        lines.push(`${row.name}${aliases} — ${row.title}: ${row.summary}`)
        lines.push(`  app type:        ${row.okta.applicationType}${row.okta.pkceRequired ? ' (PKCE)' : ''}`)
        lines.push(`  grant types:     ${row.okta.grantTypes.join(', ')}`)
        lines.push(`  sign-in URIs:    ${row.okta.redirectUris.join(', ') || '(none)'}`)
        lines.push(`  sign-out URIs:   ${row.okta.postLogoutRedirectUris.join(', ') || '(none)'}`)
        lines.push(`  scopes:          ${row.okta.scopes.join(' ')}`)
        lines.push(`  client auth:     ${row.okta.tokenEndpointAuthMethod}`)
        lines.push(`  auth server:     ${row.okta.authServer === 'org' ? 'org' : row.okta.authServer === 'default' ? 'custom (default)' : 'a new custom server'}`)
        lines.push(
          `  render-config:   ${row.renderConfig ? `yes (--format ${row.renderConfig.formats.join('|')}${row.renderConfig.secretRef ? ', --secret-ref env' : ''})` : 'no (Okta app only)'}`,
        )
        for (const s of row.settings) {
          lines.push(`  --set ${`${s.key}=${s.example}`.padEnd(30)} ${s.required ? '(required) ' : ''}${s.description}`)
        }
        lines.push('')
      }
      out.result(lines.join('\n').trimEnd())
    })
  withExamples(cmd, ['oidc-setup targets', 'oidc-setup targets --json | jq -r \'.[].name\''])
}
