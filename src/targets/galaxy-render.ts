import { templateText } from './templates.js'
import type { Document, Element } from '@xmldom/xmldom'
import { ConfigError } from '../domain/errors.js'
import { appendIndented, checkXmlValue, childElements, parseXml, serializeXml, setText } from './xml-doc.js'
import { parseYaml, setYaml, stringifyYaml } from './yaml-doc.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const BACKENDS = 'oidc_backends_config.xml'
const OIDC_CONFIG = 'oidc_config.xml'
const GALAXY_YML = 'galaxy.yml'
const PROVIDER = 'okta'

/** The `api_url` social-core's Okta backend needs: the org server's `/oauth2`, or the custom server's issuer. */
export function galaxyApiUrl(context: RenderContext): string {
  return context.issuerKind === 'org' ? `${context.issuer}/oauth2` : context.issuer
}

function secretOf(context: RenderContext): string {
  if (context.clientSecret.kind !== 'literal') {
    throw new ConfigError('galaxy needs the literal client secret in oidc_backends_config.xml')
  }
  return context.clientSecret.value
}

/** Finds `<provider name="okta">` (Galaxy lower-cases names) or appends one to `<OIDC>`. */
function oktaProvider(doc: Document, file: string): Element {
  const root = doc.documentElement
  if (!root || root.tagName !== 'OIDC') {
    throw new ConfigError(`could not merge into ${file}: the root element is not <OIDC>`, {
      hint: `fix ${file}, or render to a new file without --merge`,
    })
  }
  const found = childElements(root).find(
    (e) => e.tagName === 'provider' && (e.getAttribute('name') ?? '').toLowerCase() === PROVIDER,
  )
  if (found) {
    return found
  }
  const provider = doc.createElement('provider')
  provider.setAttribute('name', PROVIDER)
  appendIndented(root, provider, '\n    ')
  return provider
}

/** Sets a child element's text, creating the element when it is missing. */
function setChild(provider: Element, tag: string, value: string, onlyIfMissing = false): void {
  const existing = childElements(provider).filter((e) => e.tagName === tag)
  const [first, ...duplicates] = existing
  if (first && onlyIfMissing) {
    return
  }
  // The XSD allows each tag once (xs:all); duplicates would fail Galaxy's validation at startup.
  for (const duplicate of duplicates) {
    provider.removeChild(duplicate)
  }
  const doc = provider.ownerDocument
  if (!doc) {
    throw new Error('provider has no owner document')
  }
  const element = first ?? doc.createElement(tag)
  setText(element, checkXmlValue(`galaxy ${tag}`, value))
  if (!first) {
    appendIndented(provider, element, '\n        ')
  }
}

function textOf(provider: Element, tag: string): string | undefined {
  const element = childElements(provider).find((e) => e.tagName === tag)
  return element ? (element.textContent ?? '') : undefined
}

function applyBackends(file: string, text: string, context: RenderContext): RenderedFile {
  const doc = parseXml(file, text)
  const provider = oktaProvider(doc, file)
  const oldSecret = textOf(provider, 'client_secret')
  const secret = secretOf(context)
  setChild(provider, 'client_id', context.clientId)
  setChild(provider, 'client_secret', secret)
  setChild(provider, 'redirect_uri', context.requirements.redirectUris[0] ?? '')
  setChild(provider, 'api_url', galaxyApiUrl(context))
  // Keep scopes the user added; offline_access must be among them.
  const scopes = (textOf(provider, 'extra_scopes') ?? '')
    .split(/[\s,]+/)
    .filter((s) => s !== '')
  if (!scopes.includes('offline_access')) {
    scopes.push('offline_access')
  }
  setChild(provider, 'extra_scopes', scopes.join(','))
  setChild(provider, 'label', 'Okta', true)
  setChild(provider, 'enable_idp_logout', 'false', true)
  return {
    path: BACKENDS,
    text: serializeXml(doc),
    containsSecret: true,
    secrets: [secret, ...(oldSecret ? [oldSecret] : [])],
  }
}

function applyOidcConfig(file: string, text: string): RenderedFile {
  const doc = parseXml(file, text)
  const root = doc.documentElement
  if (!root || root.tagName !== 'OIDC') {
    throw new ConfigError(`could not merge into ${file}: the root element is not <OIDC>`, {
      hint: `fix ${file}, or render to a new file without --merge`,
    })
  }
  const setter = childElements(root).find((e) => e.tagName === 'Setter' && e.getAttribute('Property') === 'VERIFY_SSL')
  if (setter) {
    setter.setAttribute('Value', 'True')
    setter.setAttribute('Type', 'bool')
  } else {
    const created = doc.createElement('Setter')
    created.setAttribute('Property', 'VERIFY_SSL')
    created.setAttribute('Value', 'True')
    created.setAttribute('Type', 'bool')
    appendIndented(root, created, '\n    ')
  }
  return { path: OIDC_CONFIG, text: serializeXml(doc), containsSecret: false, secrets: [] }
}

function applyGalaxyYml(file: string, text: string): RenderedFile {
  const doc = parseYaml(file, text)
  setYaml(doc, file, ['galaxy', 'enable_oidc'], true)
  setYaml(doc, file, ['galaxy', 'oidc_config_file'], OIDC_CONFIG)
  setYaml(doc, file, ['galaxy', 'oidc_backends_config_file'], BACKENDS)
  return { path: GALAXY_YML, text: stringifyYaml(doc), containsSecret: false, secrets: [] }
}

function apply(path: string, text: string, context: RenderContext): RenderedFile {
  switch (path) {
    case BACKENDS:
      return applyBackends(path, text, context)
    case OIDC_CONFIG:
      return applyOidcConfig(path, text)
    case GALAXY_YML:
      return applyGalaxyYml(path, text)
    default:
      throw new Error(`galaxy renders no file named ${path}`)
  }
}

/** Renders Galaxy's backends XML (through a DOM), oidc_config.xml and the galaxy.yml keys (yaml Document API). */
export const galaxyRenderer: TargetRenderer = {
  files: () => [BACKENDS, OIDC_CONFIG, GALAXY_YML],
  render(context, templates) {
    return this.files(context.format).map((name) => apply(name, templateText(templates, 'galaxy', name), context))
  },
  merge(path, existingText, context) {
    return apply(path, existingText, context)
  },
}
