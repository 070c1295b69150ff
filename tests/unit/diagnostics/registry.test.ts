import { describe, expect, it } from 'vitest';
import { FLOW_RULES, GLOBAL_RULES } from '@/lib/diagnostics/registry';
import { ANALYZE_IDS, CATALOGUE, VERIFY_ONLY } from './catalogue';

describe('the rule registry against the catalogue (protocol.md section 4)', () => {
  const rules = [...FLOW_RULES, ...GLOBAL_RULES];

  it.each(ANALYZE_IDS)('%s is implemented by exactly one rule', (id) => {
    expect(rules.filter((r) => r.id === id)).toHaveLength(1);
  });

  it('implements no id outside the catalogue', () => {
    const known = new Set(CATALOGUE.map((c) => c.id));
    expect(rules.map((r) => r.id).filter((id) => !known.has(id))).toEqual([]);
  });

  it('leaves SIG_INVALID to verify() (--verify): no analyze() rule reports it', () => {
    expect(rules.filter((r) => VERIFY_ONLY.has(r.id))).toEqual([]);
  });

  it.each(CATALOGUE.filter((c) => !VERIFY_ONLY.has(c.id)).map((c) => [c.id, c.source]))(
    '%s cites its catalogue source (%s)',
    (id, source) => {
      expect(rules.find((r) => r.id === id)?.reference).toContain(source);
    },
  );
});
