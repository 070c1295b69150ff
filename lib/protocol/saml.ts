import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { inflateSync } from 'fflate';
import { DecodeError, InputTooLargeError } from '../errors';

/** The facts of a SAML message a person debugging a login needs (SAML Core 2.2-3.4). */
export interface SamlSummary {
  /** AuthnRequest, Response, LogoutRequest, LogoutResponse, or another root element. */
  messageType: string;
  id?: string;
  issueInstant?: string;
  issuer?: string;
  destination?: string;
  inResponseTo?: string;
  assertionConsumerServiceUrl?: string;
  statusCode?: string;
  statusMessage?: string;
  nameId?: string;
  nameIdFormat?: string;
  notBefore?: string;
  notOnOrAfter?: string;
  audiences: string[];
  recipient?: string;
  subjectConfirmationNotOnOrAfter?: string;
  subjectConfirmationInResponseTo?: string;
  responseSigned: boolean;
  assertionSigned: boolean;
  /** The assertion is encrypted: its content cannot be shown. */
  assertionEncrypted: boolean;
  attributes: Record<string, string[]>;
}

export interface DecodedSaml {
  xml: string;
  summary: SamlSummary;
}

const MAX_XML_CHARS = 2 * 1024 * 1024;

/**
 * Decodes a SAML message as it travelled: URL-decoded base64, raw DEFLATE for the redirect
 * binding (SAML Bindings 3.4.4.1), plain base64 for POST (3.5.4). Parses the XML without
 * resolving external entities or DTDs. Decodes and summarises; does not verify signatures.
 */
export function decodeSaml(encoded: string, binding: 'redirect' | 'post'): DecodedSaml {
  const bytes = base64ToBytes(encoded.replace(/\s+/g, ''));
  let xmlBytes = bytes;
  if (binding === 'redirect' || !looksLikeXml(bytes)) {
    try {
      xmlBytes = inflateSync(bytes, { out: undefined });
    } catch (error) {
      if (binding === 'redirect' && !looksLikeXml(bytes)) {
        throw new DecodeError('SAML message: the DEFLATE data is corrupt or truncated', {
          cause: error,
        });
      }
    }
  }
  if (xmlBytes.length > MAX_XML_CHARS) {
    throw new InputTooLargeError(
      `SAML message: ${xmlBytes.length} bytes of XML is more than we decode`,
    );
  }
  const xml = new TextDecoder('utf-8', { fatal: false }).decode(xmlBytes);
  return { xml, summary: summarizeSamlXml(xml) };
}

/** Summarises SAML XML. Throws DecodeError for text that is not a SAML message. */
export function summarizeSamlXml(xml: string): SamlSummary {
  if (/<!DOCTYPE/i.test(xml)) {
    // A DTD can declare entities (billion laughs, external files): SAML never needs one.
    throw new DecodeError(
      'SAML message: a DOCTYPE is not allowed in SAML (entities are not resolved)',
    );
  }
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') errors.push(message);
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (!root || errors.length > 0) {
    throw new DecodeError(
      `SAML message: the XML does not parse (${errors[0] ?? 'no root element'})`,
    );
  }
  const messageType = root.localName ?? root.nodeName;
  const summary: SamlSummary = {
    messageType,
    audiences: [],
    responseSigned: childrenNamed(root, 'Signature').length > 0,
    assertionSigned: false,
    assertionEncrypted: descendants(root, 'EncryptedAssertion').length > 0,
    attributes: {},
  };
  setIf(summary, 'id', root.getAttribute('ID'));
  setIf(summary, 'issueInstant', root.getAttribute('IssueInstant'));
  setIf(summary, 'destination', root.getAttribute('Destination'));
  setIf(summary, 'inResponseTo', root.getAttribute('InResponseTo'));
  setIf(summary, 'assertionConsumerServiceUrl', root.getAttribute('AssertionConsumerServiceURL'));
  setIf(summary, 'issuer', text(childrenNamed(root, 'Issuer')[0]));
  const status = childrenNamed(root, 'Status')[0];
  if (status) {
    const codes = descendants(status, 'StatusCode').map((c) => c.getAttribute('Value') ?? '');
    // A second-level code says why (e.g. ...:status:AuthnFailed); show both.
    setIf(summary, 'statusCode', codes.filter(Boolean).join(' / '));
    setIf(summary, 'statusMessage', text(descendants(status, 'StatusMessage')[0]));
  }
  const assertion = descendants(root, 'Assertion')[0];
  if (assertion) {
    summary.assertionSigned = childrenNamed(assertion, 'Signature').length > 0;
    summary.issuer ??= text(childrenNamed(assertion, 'Issuer')[0]);
    const nameId = descendants(assertion, 'NameID')[0];
    setIf(summary, 'nameId', text(nameId));
    setIf(summary, 'nameIdFormat', nameId?.getAttribute('Format'));
    const conditions = descendants(assertion, 'Conditions')[0];
    setIf(summary, 'notBefore', conditions?.getAttribute('NotBefore'));
    setIf(summary, 'notOnOrAfter', conditions?.getAttribute('NotOnOrAfter'));
    summary.audiences = descendants(assertion, 'Audience')
      .map((a) => text(a) ?? '')
      .filter(Boolean);
    const confirmation = descendants(assertion, 'SubjectConfirmationData')[0];
    setIf(summary, 'recipient', confirmation?.getAttribute('Recipient'));
    setIf(summary, 'subjectConfirmationNotOnOrAfter', confirmation?.getAttribute('NotOnOrAfter'));
    setIf(summary, 'subjectConfirmationInResponseTo', confirmation?.getAttribute('InResponseTo'));
    for (const attribute of descendants(assertion, 'Attribute')) {
      const name = attribute.getAttribute('Name') ?? '';
      if (!name) continue;
      summary.attributes[name] = descendants(attribute, 'AttributeValue').map((v) => text(v) ?? '');
    }
  } else if (messageType === 'AuthnRequest' || messageType === 'LogoutRequest') {
    setIf(summary, 'nameId', text(descendants(root, 'NameID')[0]));
  }
  return summary;
}

function childrenNamed(parent: XmlElement, localName: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as XmlElement).localName === localName)
      out.push(node as XmlElement);
  }
  return out;
}

function descendants(parent: XmlElement, localName: string): XmlElement[] {
  const list = parent.getElementsByTagNameNS('*', localName);
  const out: XmlElement[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list.item(i);
    if (item) out.push(item);
  }
  return out;
}

function text(element: XmlElement | undefined): string | undefined {
  const value = element?.textContent?.trim();
  return value ? value : undefined;
}

function setIf<K extends keyof SamlSummary>(
  target: SamlSummary,
  key: K,
  value: string | null | undefined,
): void {
  if (value) (target as unknown as Record<string, unknown>)[key] = value;
}

function looksLikeXml(bytes: Uint8Array): boolean {
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 ||
      bytes[i] === 0x0a ||
      bytes[i] === 0x0d ||
      bytes[i] === 0x09 ||
      bytes[i] === 0xef ||
      bytes[i] === 0xbb ||
      bytes[i] === 0xbf)
  )
    i++;
  return bytes[i] === 0x3c; // '<'
}

/** Base64 or base64url to bytes; a precise error for anything else. */
export function base64ToBytes(input: string): Uint8Array {
  const normalized = input.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized)) {
    throw new DecodeError('not base64: it holds characters outside the base64 alphabet');
  }
  if (normalized.replace(/=+$/, '').length % 4 === 1) {
    throw new DecodeError('base64 is truncated (its length is not possible)');
  }
  const padded = normalized.padEnd(normalized.length + ((4 - (normalized.length % 4)) % 4), '=');
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
