import type { FlowContext } from '../analysis/analyze';
import type { Hop } from '../analysis/hops';
import { decodedSaml } from '../analysis/memo';
import type { SamlSummary } from '../protocol/saml';
import { endpointOf } from '../protocol/params';
import type { Finding, FlowRule } from './rule';

const SKEW_MS = 3 * 60_000;
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

interface SamlView {
  hop: Hop;
  type: 'saml-request' | 'saml-response';
  binding: 'redirect' | 'post';
  relayState?: string;
  sigAlg?: string;
  signature?: string;
  summary?: SamlSummary;
  error?: string;
}

function samlMessages(ctx: FlowContext): SamlView[] {
  const views: SamlView[] = [];
  for (const hop of ctx.flowHops) {
    for (const m of hop.messages) {
      if (m.type !== 'saml-request' && m.type !== 'saml-response') continue;
      const view: SamlView = { hop, type: m.type, binding: m.binding };
      if (m.relayState !== undefined) view.relayState = m.relayState;
      if (m.sigAlg !== undefined) view.sigAlg = m.sigAlg;
      if (m.signature !== undefined) view.signature = m.signature;
      const decoded = decodedSaml(m);
      if ('summary' in decoded) view.summary = decoded.summary;
      else
        view.error = decoded.error instanceof Error ? decoded.error.message : String(decoded.error);
      views.push(view);
    }
  }
  return views;
}

const responses = (ctx: FlowContext) =>
  samlMessages(ctx).filter((v) => v.type === 'saml-response' && v.summary);

export const samlRules: FlowRule[] = [
  {
    id: 'SAML_UNSIGNED',
    reference: 'SAML Profiles 4.1.4.5; Bindings 3.4.4.1',
    check: (ctx) => {
      const findings: Finding[] = [];
      for (const v of samlMessages(ctx)) {
        if (v.sigAlg && !v.signature)
          findings.push({
            severity: 'error',
            message: 'The redirect binding names a SigAlg but carries no Signature.',
            hops: [v.hop],
          });
        const s = v.summary;
        if (
          v.type === 'saml-response' &&
          v.binding === 'post' &&
          s &&
          s.messageType === 'Response' &&
          !s.responseSigned &&
          !s.assertionSigned &&
          !s.assertionEncrypted
        ) {
          findings.push({
            severity: 'error',
            message:
              'The SAML Response is signed neither on the Response nor on the Assertion: anyone could forge it.',
            hops: [v.hop],
          });
        }
      }
      return findings;
    },
  },
  {
    id: 'SAML_TIME',
    reference: 'SAML Core 2.5.1.2',
    check: (ctx) =>
      responses(ctx).flatMap((v): Finding[] => {
        const s = v.summary as SamlSummary;
        const at = v.hop.e.startedAt;
        const notBefore = s.notBefore ? Date.parse(s.notBefore) : NaN;
        // The assertion's Conditions, or the bearer confirmation's own deadline if earlier.
        const deadlines = [s.notOnOrAfter, s.subjectConfirmationNotOnOrAfter]
          .map((t) => (t ? Date.parse(t) : NaN))
          .filter((t) => Number.isFinite(t));
        const notOnOrAfter = deadlines.length > 0 ? Math.min(...deadlines) : NaN;
        if (Number.isFinite(notBefore) && at < notBefore - SKEW_MS)
          return [
            {
              severity: 'error',
              message: `The assertion is not valid before ${s.notBefore}, after it arrived: the IdP's clock runs ahead.`,
              hops: [v.hop],
            },
          ];
        if (Number.isFinite(notOnOrAfter) && at >= notOnOrAfter + SKEW_MS)
          return [
            {
              severity: 'error',
              message: `The assertion expired at ${new Date(notOnOrAfter).toISOString()}, before it arrived (${new Date(at).toISOString()}): the IdP's clock runs behind, or the response was held back or replayed.`,
              hops: [v.hop],
            },
          ];
        return [];
      }),
  },
  {
    id: 'SAML_AUDIENCE_RECIPIENT',
    reference: 'SAML Profiles 4.1.4.2-3',
    check: (ctx) => {
      const requests = samlMessages(ctx).filter((v) => v.type === 'saml-request' && v.summary);
      return responses(ctx).flatMap((v): Finding[] => {
        const s = v.summary as SamlSummary;
        const postedTo = endpointOf(v.hop.e.url);
        const findings: Finding[] = [];
        for (const [what, value] of [
          ['Destination', s.destination],
          ['Recipient', s.recipient],
        ] as const) {
          if (value && endpointOf(value) !== postedTo)
            findings.push({
              severity: 'error',
              message: `The response's ${what} (${value}) is not the URL it was posted to (${postedTo}).`,
              hops: [v.hop],
            });
        }
        const spEntity = requests.find((r) => r.summary?.id === s.inResponseTo)?.summary?.issuer;
        if (spEntity && s.audiences.length > 0 && !s.audiences.includes(spEntity)) {
          findings.push({
            severity: 'error',
            message: `The assertion's Audience (${s.audiences.join(', ')}) is not the SP entity id ${spEntity}.`,
            hops: [v.hop],
          });
        }
        return findings;
      });
    },
  },
  {
    id: 'SAML_INRESPONSETO',
    reference: 'SAML Profiles 4.1.4.3',
    check: (ctx) => {
      const requestIds = samlMessages(ctx)
        .filter((v) => v.type === 'saml-request')
        .map((v) => v.summary?.id)
        .filter(Boolean);
      return responses(ctx).flatMap((v): Finding[] => {
        const s = v.summary as SamlSummary;
        if (!s.inResponseTo)
          return [
            requestIds.length > 0
              ? {
                  severity: 'error',
                  message: `The SAML response has no InResponseTo although the SP sent AuthnRequest ${requestIds.join(', ')}: the SP cannot tie it to its request (a replayed or unsolicited response looks like this).`,
                  hops: [v.hop],
                }
              : {
                  severity: 'info',
                  message:
                    'The SAML response answers no request (no InResponseTo): an IdP-initiated login.',
                  hops: [v.hop],
                },
          ];
        if (requestIds.length > 0 && !requestIds.includes(s.inResponseTo))
          return [
            {
              severity: 'error',
              message: `InResponseTo ${s.inResponseTo} matches no AuthnRequest of this flow (${requestIds.join(', ')}).`,
              hops: [v.hop],
            },
          ];
        return [];
      });
    },
  },
  {
    id: 'SAML_STATUS',
    reference: 'SAML Core 3.2.2.2',
    check: (ctx) =>
      responses(ctx)
        .filter((v) => v.summary?.statusCode && !v.summary.statusCode.startsWith(SUCCESS))
        .map((v) => ({
          severity: 'error' as const,
          message: `The SAML response's status is ${v.summary?.statusCode}${v.summary?.statusMessage ? `: ${v.summary.statusMessage}` : ''}.`,
          hops: [v.hop],
        })),
  },
  {
    id: 'RELAYSTATE_LONG',
    reference: 'SAML Bindings 3.4.3',
    check: (ctx) =>
      samlMessages(ctx)
        .filter(
          (v) => v.relayState !== undefined && new TextEncoder().encode(v.relayState).length > 80,
        )
        .map((v) => ({
          severity: 'warning' as const,
          message: `RelayState is ${new TextEncoder().encode(v.relayState ?? '').length} bytes; the binding allows 80.`,
          hops: [v.hop],
        })),
  },
];
