import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom'
import { ConfigError } from '../domain/errors.js'
import { checkValue } from './values.js'

// XML 1.0 cannot hold most C0 controls at all, parsers turn CR into LF, and XML 1.1 parsers (and xmldom) turn NEL
// and LINE SEPARATOR (xmldom also PARAGRAPH SEPARATOR) into LF: such values are refused, never read back differently.
// eslint-disable-next-line no-control-regex -- matching the characters XML cannot carry is the point
const XML_UNSAFE = /[\u0000-\u0008\u000B\u000C\u000D\u000E-\u001F\u0085\u2028\u2029\uFFFE\uFFFF]/

/** Parses XML into a DOM (comments kept); a malformed file is a ConfigError naming the file. */
export function parseXml(file: string, text: string): Document {
  const problems: string[] = []
  const parser = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') {
        problems.push(message)
      }
    },
  })
  let doc: Document
  try {
    doc = parser.parseFromString(text, 'text/xml')
  } catch (cause) {
    problems.push(cause instanceof Error ? cause.message : String(cause))
    doc = undefined as unknown as Document
  }
  if (problems.length > 0 || !doc?.documentElement) {
    throw new ConfigError(
      `could not parse ${file} as XML: ${(problems[0] ?? 'no root element').split('\n')[0] ?? ''}`.trim(),
      { hint: `fix ${file}, or render to a new file without --merge` },
    )
  }
  return doc
}

/** Serializes a DOM, keeping the XML declaration and comments, with a final newline. */
export function serializeXml(doc: Document): string {
  const text = new XMLSerializer().serializeToString(doc)
  return text.endsWith('\n') ? text : `${text}\n`
}

/** Checks a value for element text: refuses what XML 1.0 cannot carry unchanged. */
export function checkXmlValue(name: string, value: string): string {
  checkValue(name, value)
  if (XML_UNSAFE.test(value)) {
    throw new ConfigError(`could not render ${name}: it contains a control character XML cannot hold`)
  }
  return value
}

/** The element children of a node. */
export function childElements(parent: Element): Element[] {
  const out: Element[] = []
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) {
      out.push(node as Element)
    }
  }
  return out
}

/** The indentation in front of an element (the whitespace text before it), e.g. "\n        ". */
function indentOf(element: Element): string | undefined {
  const prev = element.previousSibling
  return prev && prev.nodeType === prev.TEXT_NODE && /^\s+$/.test(prev.nodeValue ?? '') ? (prev.nodeValue ?? '') : undefined
}

/**
 * Appends an element to `parent` with the same indentation as its existing children, before the whitespace that
 * closes the parent.
 */
export function appendIndented(parent: Element, child: Element, fallbackIndent: string): void {
  const doc = parent.ownerDocument
  if (!doc) {
    throw new Error('element has no owner document')
  }
  const siblings = childElements(parent)
  const last = siblings[siblings.length - 1]
  const indent = (last && indentOf(last)) ?? fallbackIndent
  const closing = parent.lastChild
  if (closing && closing.nodeType === closing.TEXT_NODE && /^\s+$/.test(closing.nodeValue ?? '')) {
    parent.insertBefore(doc.createTextNode(indent), closing)
    parent.insertBefore(child, closing)
  } else {
    parent.appendChild(doc.createTextNode(indent))
    parent.appendChild(child)
    parent.appendChild(doc.createTextNode(indent.replace(/ {4}$|\t$/, '')))
  }
}

/** Replaces an element's content with one text node (the serializer escapes it). */
export function setText(element: Element, value: string): void {
  while (element.firstChild) {
    element.removeChild(element.firstChild)
  }
  const doc = element.ownerDocument
  if (!doc) {
    throw new Error('element has no owner document')
  }
  element.appendChild(doc.createTextNode(value))
}
