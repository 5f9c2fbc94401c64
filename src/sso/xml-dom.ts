import { DOMParser, XMLSerializer } from '@xmldom/xmldom';

// The DOM members Atrium reads. @xmldom/xmldom 0.8 types lean on the DOM lib, which a
// Node project does not load, so these describe the shape it returns.
export interface XmlNode {
  nodeType: number;
  firstChild: XmlNode | null;
  nextSibling: XmlNode | null;
  parentNode: XmlNode | null;
  textContent: string | null;
}

export interface XmlElement extends XmlNode {
  namespaceURI: string | null;
  localName: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  getElementsByTagNameNS(ns: string, localName: string): ArrayLike<XmlElement>;
}

export interface XmlDocument extends XmlNode {
  documentElement: XmlElement | null;
  getElementsByTagNameNS(ns: string, localName: string): ArrayLike<XmlElement>;
}

export const ELEMENT_NODE = 1;
export const COMMENT_NODE = 8;

/**
 * Parses XML with @xmldom/xmldom, returning the first error or warning-free document.
 * `strict` also counts warnings: xmldom 0.8 repairs some malformed XML (a mismatched end
 * tag, an unquoted attribute) and only warns about it.
 */
export function parseXmlDocument(
  xml: string,
  options: { strict?: boolean } = {},
): { doc: XmlDocument | null; problem: string | null } {
  let problem: string | null = null;
  const doc = new DOMParser({
    errorHandler: (level: string, message: string) => {
      if (level !== 'warning' || options.strict) problem ??= message.replace(/^\[xmldom \w+\]\s*/, '').split('\n')[0];
    },
  }).parseFromString(xml, 'text/xml') as unknown as XmlDocument | null;
  return { doc: doc?.documentElement ? doc : null, problem };
}

export function serializeXml(doc: XmlDocument): string {
  return new XMLSerializer().serializeToString(doc as never);
}

export function childElements(parent: XmlElement, ns: string, localName: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    const el = n as XmlElement;
    if (n.nodeType === ELEMENT_NODE && el.namespaceURI === ns && el.localName === localName) out.push(el);
  }
  return out;
}

export function descendantElements(root: XmlElement | XmlDocument, ns: string, localName: string): XmlElement[] {
  return Array.from(root.getElementsByTagNameNS(ns, localName));
}
