// A document of several rules (YAML or JSON) read and validated as a whole: all of it is valid, or every error is listed.
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { ActionRegistry } from '../../actions/registry';
import { RuleValidationError, validateRule, type Rule } from './schema';

/** The id a rule gets when its definition has none. */
export function generatedRuleId(): string {
  return `rule_${randomUUID().slice(0, 8)}`;
}

/** Parses a YAML or JSON document (YAML is a superset of JSON); throws RuleValidationError on a broken document. */
export function parseRuleDocument(text: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new RuleValidationError([`document: ${(err as Error).message.split('\n')[0]}`]);
  }
}

/**
 * The rules of a document (YAML or JSON text, or already parsed: a list, `{rules: [...]}` or one rule).
 * Throws one RuleValidationError listing every error when any rule is invalid or two share an id.
 */
export function rulesFromDocument(document: unknown, registry: ActionRegistry): Rule[] {
  const parsed = typeof document === 'string' ? parseRuleDocument(document) : document;
  let items: unknown[];
  let base: string;
  if (Array.isArray(parsed)) [items, base] = [parsed, ''];
  else if (typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { rules?: unknown }).rules))
    [items, base] = [(parsed as { rules: unknown[] }).rules, '/rules'];
  else if (typeof parsed === 'object' && parsed !== null && 'triggers' in parsed) [items, base] = [[parsed], ''];
  else throw new RuleValidationError(['document: expected a list of rules, {rules: [...]} or a single rule']);
  if (items.length === 0) throw new RuleValidationError(['document: contains no rules']);
  if (items.length > 1000) throw new RuleValidationError([`document: ${items.length} rules is more than the 1000 accepted at once`]);
  const errors: string[] = [];
  const out: Rule[] = [];
  const ids = new Map<string, number>();
  items.forEach((item, i) => {
    const prefix = `${base}/${i}`;
    try {
      const rule = validateRule(item, registry, generatedRuleId, prefix);
      if (ids.has(rule.id)) errors.push(`${prefix}/id: "${rule.id}" is also used by ${base}/${ids.get(rule.id)}`);
      ids.set(rule.id, i);
      out.push(rule);
    } catch (err) {
      errors.push(...(err instanceof RuleValidationError ? err.details : [`${prefix}: ${(err as Error).message}`]));
    }
  });
  if (errors.length) throw new RuleValidationError(errors);
  return out;
}
