import type { FlowContext } from './analyze';
import type { Party, Tier } from './types';

/**
 * The flow in plain words, in the spirit of the Auth0 sessions guide: who sent you where, which
 * sessions came to life or ended, and what was only inferred.
 */
export function narrate(ctx: Pick<FlowContext, 'flow' | 'draft'>): string[] {
  const { flow } = ctx;
  const name = (role: Party['role']) =>
    flow.parties.find((p) => p.role === role)?.label ?? 'an unknown party';
  const app = name('app');
  const as = name('authorization-server');
  const idps = flow.parties
    .filter((p) => p.role === 'identity-provider')
    .map((p) => p.label ?? p.origin);
  const lines: string[] = [];
  const created = (t: Tier) =>
    t.sessionCookies.some((c) => c.change === 'created' || c.change === 'updated');
  const tierOf = (role: Party['role']) => flow.tiers.filter((t) => t.role === role);

  switch (flow.kind) {
    case 'interactive-login':
    case 'federated-login':
    case 'sso':
    case 'silent-auth': {
      lines.push(
        `${app} sent you to ${as} to log in${flow.kind === 'silent-auth' ? ' silently (prompt=none: no page may be shown)' : ''}.`,
      );
      if (flow.kind === 'federated-login') {
        for (const idp of idps) {
          const idpTier = flow.tiers.find(
            (t) =>
              t.role === 'identity-provider' &&
              (flow.parties.find((p) => p.origin === t.origin)?.label ?? t.origin) === idp,
          );
          lines.push(`You chose ${idp}, so ${as} sent you on to ${idp}.`);
          if (idpTier && created(idpTier))
            lines.push(
              `${idp} created its own session (${cookieNames(idpTier)}) and sent you back to ${as} with an answer.`,
            );
          else if (idpTier?.sessionCookies.some((c) => c.change === 'sent'))
            lines.push(
              `You were already logged in at ${idp}, so it asked for no password and sent you straight back to ${as}.`,
            );
          else lines.push(`${idp} sent you back to ${as} with an answer.`);
        }
      }
      if (flow.kind === 'interactive-login')
        lines.push(`${as} showed its login page and you entered your credentials.`);
      if (flow.kind === 'sso' || (flow.kind === 'silent-auth' && flow.outcome === 'success')) {
        lines.push(
          `You were already logged in at ${as}, so no login page was shown${tierOf('authorization-server').some((t) => t.ssoProven) ? ' (its session cookie was sent and accepted: SSO proven)' : ''}.`,
        );
      }
      for (const t of tierOf('authorization-server')) {
        if (created(t))
          lines.push(
            `${as} ${t.sessionCookies.some((c) => c.change === 'updated') ? 'reset' : 'created'} its session (${cookieNames(t)}).`,
          );
      }
      if (flow.outcome === 'error') {
        const problem = flow.diagnostics.find((d) => d.severity === 'error');
        lines.push(`The login failed${problem ? `: ${problem.message}` : '.'}`);
        break;
      }
      if (flow.outcome === 'incomplete') {
        lines.push('The flow did not finish in this recording: no answer reached the app.');
        break;
      }
      lines.push(`${as} sent you back to ${app} with its answer.`);
      if (flow.steps.some((s) => s.inferred))
        lines.push(
          `${app} exchanged the code for tokens on its back channel (the browser cannot see that call).`,
        );
      for (const t of tierOf('app'))
        if (created(t)) lines.push(`${app} created its local session (${cookieNames(t)}).`);
      const alive = flow.tiers.filter((t) =>
        t.sessionCookies.some((c) => c.change !== 'cleared'),
      ).length;
      if (alive > 1)
        lines.push(
          `${alive} sessions now exist: ${flow.tiers
            .filter((t) => t.sessionCookies.some((c) => c.change !== 'cleared'))
            .map((t) => flow.parties.find((p) => p.origin === t.origin)?.label ?? t.origin)
            .join(', ')}.`,
        );
      break;
    }
    case 'logout': {
      const cleared = flow.tiers.filter((t) =>
        t.sessionCookies.some((c) => c.change === 'cleared'),
      );
      lines.push(
        ctx.draft.endSessionHop !== undefined
          ? `${app} sent you to ${as} to log out.`
          : `${app} ended its own session.`,
      );
      for (const t of cleared)
        lines.push(
          `${flow.parties.find((p) => p.origin === t.origin)?.label ?? t.origin} cleared its session (${t.sessionCookies
            .filter((c) => c.change === 'cleared')
            .map((c) => c.name)
            .join(', ')}).`,
        );
      for (const d of flow.diagnostics.filter((d) => d.id === 'LOGOUT_INCOMPLETE'))
        lines.push(d.message);
      break;
    }
    case 'token-refresh':
      lines.push(`${app} asked ${as} for new tokens with its refresh token.`);
      break;
    default:
      lines.push('Protocol messages were seen, but not enough to tell what kind of flow this is.');
  }
  return lines;
}

function cookieNames(t: Tier): string {
  return (
    t.sessionCookies
      .filter((c) => c.change !== 'sent')
      .map((c) => c.name)
      .join(', ') || t.sessionCookies.map((c) => c.name).join(', ')
  );
}
