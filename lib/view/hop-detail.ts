import type { Exchange } from '../model';
import { classifyHop, type ProtocolMessage } from '../protocol/messages';
import { hopParams } from '../protocol/params';
import { decodeSaml, type SamlSummary } from '../protocol/saml';

export interface DecodedHop {
  messages: ProtocolMessage['type'][];
  params: { location: 'query' | 'fragment' | 'form' | 'json'; name: string; value: string }[];
  saml?: { type: string; summary?: SamlSummary; xml?: string; error?: string };
}

/** What a hop carries, decoded for people: its parameters, protocol messages and SAML XML. */
export function decodeHop(e: Exchange): DecodedHop {
  const p = hopParams(e);
  const params: DecodedHop['params'] = [];
  for (const [name, value] of p.query) params.push({ location: 'query', name, value });
  for (const [name, value] of p.fragment) params.push({ location: 'fragment', name, value });
  for (const [name, value] of p.form) params.push({ location: 'form', name, value });
  for (const [name, value] of Object.entries(p.json ?? {})) {
    params.push({
      location: 'json',
      name,
      value: typeof value === 'string' ? value : JSON.stringify(value),
    });
  }
  const messages = classifyHop(e);
  const decoded: DecodedHop = { messages: messages.map((m) => m.type), params };
  const saml = messages.find((m) => m.type === 'saml-request' || m.type === 'saml-response');
  if (saml && 'encoded' in saml) {
    try {
      const { xml, summary } = decodeSaml(saml.encoded, saml.binding);
      decoded.saml = { type: saml.type, summary, xml: prettyXml(xml) };
    } catch (error) {
      decoded.saml = {
        type: saml.type,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }
  return decoded;
}

/** Indents XML one element per line, as text (it is never parsed as HTML). */
export function prettyXml(xml: string): string {
  const tokens = xml.replace(/>\s+</g, '><').split(/(?=<)|(?<=>)/);
  let depth = 0;
  const lines: string[] = [];
  for (const token of tokens) {
    if (!token.trim()) continue;
    if (token.startsWith('</')) depth = Math.max(0, depth - 1);
    lines.push(`${'  '.repeat(depth)}${token}`);
    if (
      token.startsWith('<') &&
      !token.startsWith('</') &&
      !token.startsWith('<?') &&
      !token.startsWith('<!') &&
      !token.endsWith('/>')
    )
      depth++;
  }
  // Text between an opening and its closing tag goes back on one line.
  return lines
    .join('\n')
    .replace(/(<[^/!?](?:[^>]*[^/])?>)\n\s*([^<\s][^<]*)\n\s*(<\/)/g, '$1$2$3');
}
