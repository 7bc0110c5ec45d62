import { joinUrl } from '../domain/urls.js'
import { templateText } from './templates.js'
import { getYamlString, parseYaml, setYaml, stringifyYaml } from './yaml-doc.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const FILE = 'jenkins.yaml'
const OIC = ['jenkins', 'securityRealm', 'oic'] as const

/**
 * Configuration as Code resolves `${VAR}` in every value and reads `^${` as a literal `${`
 * (jenkinsci/configuration-as-code-plugin docs/features/secrets.adoc, "Escaping"), so literal text is escaped.
 */
export function cascLiteral(value: string): string {
  return value.replace(/\$\{/g, '^${')
}

function apply(file: string, text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(file, text)
  const secrets: string[] = []
  const old = getYamlString(doc, [...OIC, 'clientSecret'])
  if (old && !/^\$\{[^}]+\}$/.test(old)) {
    secrets.push(old)
  }
  setYaml(doc, file, [...OIC, 'serverConfiguration', 'wellKnown', 'wellKnownOpenIDConfigurationUrl'], cascLiteral(context.discoveryUri))
  setYaml(doc, file, [...OIC, 'serverConfiguration', 'wellKnown', 'scopesOverride'], context.requirements.scopes.join(' '))
  setYaml(doc, file, [...OIC, 'clientId'], cascLiteral(context.clientId))
  if (context.clientSecret.kind === 'literal') {
    setYaml(doc, file, [...OIC, 'clientSecret'], cascLiteral(context.clientSecret.value))
    secrets.push(context.clientSecret.value, cascLiteral(context.clientSecret.value))
  } else {
    setYaml(doc, file, [...OIC, 'clientSecret'], '${OKTA_CLIENT_SECRET}')
  }
  setYaml(doc, file, [...OIC, 'userNameField'], 'preferred_username')
  setYaml(doc, file, [...OIC, 'fullNameFieldName'], 'name')
  setYaml(doc, file, [...OIC, 'emailFieldName'], 'email')
  if (context.settings.groupsClaim === true) {
    setYaml(doc, file, [...OIC, 'groupsFieldName'], 'groups')
  }
  setYaml(doc, file, [...OIC, 'pkceEnabled'], true)
  setYaml(doc, file, [...OIC, 'logoutFromOpenidProvider'], true)
  setYaml(doc, file, [...OIC, 'postLogoutRedirectUrl'], cascLiteral(joinUrl(context.baseUrl, '/')))
  const out = stringifyYaml(doc)
  return { path: FILE, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** Renders the oic-auth plugin's Configuration as Code block (yaml Document API; other keys kept on --merge). */
export const jenkinsRenderer: TargetRenderer = {
  files: () => [FILE],
  render(context, templates) {
    return [apply(FILE, templateText(templates, 'jenkins', FILE), context)]
  },
  merge(path, existingText, context) {
    return apply(path, existingText, context)
  },
}
