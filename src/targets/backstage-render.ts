import { templateText } from './templates.js'
import { getYamlString, parseYaml, setYaml, stringifyYaml } from './yaml-doc.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const FILE = 'app-config.yaml'

/**
 * Backstage substitutes `${VAR}` in config strings and reads `$${` as a literal `${`
 * (backstage/backstage docs/conf/writing.md, "Environment Variable Substitution"), so literal text is escaped.
 */
function literal(value: string): string {
  return value.replace(/\$\{/g, '$${')
}

function apply(file: string, text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(file, text)
  const env = typeof context.settings.environment === 'string' ? context.settings.environment : 'production'
  const block = ['auth', 'providers', 'okta', env]
  const secrets: string[] = []
  const old = getYamlString(doc, [...block, 'clientSecret'])
  if (old && !/^\$\{[^}]+\}$/.test(old)) {
    secrets.push(old)
  }
  setYaml(doc, file, ['auth', 'environment'], env)
  setYaml(doc, file, [...block, 'clientId'], literal(context.clientId))
  if (context.clientSecret.kind === 'literal') {
    setYaml(doc, file, [...block, 'clientSecret'], literal(context.clientSecret.value))
    secrets.push(context.clientSecret.value, literal(context.clientSecret.value))
  } else {
    setYaml(doc, file, [...block, 'clientSecret'], '${AUTH_OKTA_CLIENT_SECRET}')
  }
  const issuer = new URL(context.issuer)
  setYaml(doc, file, [...block, 'audience'], literal(issuer.origin))
  if (context.issuerKind === 'custom') {
    // The strategy builds {audience}/oauth2/{authServerId}/v1/…: the custom server's id is the issuer's last segment.
    setYaml(doc, file, [...block, 'authServerId'], literal(issuer.pathname.replace(/^\/oauth2\//, '').replace(/\/+$/, '')))
  } else {
    doc.deleteIn([...block, 'authServerId'])
  }
  const resolver = typeof context.settings.signInResolver === 'string' ? context.settings.signInResolver : 'emailMatchingUserEntityProfileEmail'
  doc.setIn([...block, 'signIn'], doc.createNode({ resolvers: [{ resolver }] }))
  const out = stringifyYaml(doc)
  return { path: FILE, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** Renders Backstage's auth.providers.okta block (yaml Document API; everything else kept on --merge). */
export const backstageRenderer: TargetRenderer = {
  files: () => [FILE],
  render(context, templates) {
    return [apply(FILE, templateText(templates, 'backstage', FILE), context)]
  },
  merge(path, existingText, context) {
    return apply(path, existingText, context)
  },
}
