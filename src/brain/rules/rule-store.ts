// Rules in SQLite: the stored rows, saving validated rules, run counters, and turning a stored row back into a rule.
import { eq } from 'drizzle-orm';
import type { ActionRegistry } from '../../actions/registry';
import type { OpenedDb } from '../../store/db';
import { rules as rulesTable } from '../../store/schema/brain';
import { nowSeconds } from '../../types';
import { RuleValidationError, validateRule, type Rule } from './schema';

export type StoredRuleRow = typeof rulesTable.$inferSelect;

/** A stored rule that does not load (e.g. an action it names is not registered); `errors` says why. */
export interface InvalidRule {
  name: string;
  enabled: boolean;
  errors: string[];
  definition: string;
}

/** A stored row read back: the rule, or why it is invalid (`not_json`: the row itself is broken). */
export type DecodedRow = { rule: Rule } | { invalid: InvalidRule; reason: 'not_json' | 'invalid' };

export class RuleStore {
  constructor(private readonly db: OpenedDb) {}

  all(): StoredRuleRow[] {
    return this.db.db.select().from(rulesTable).all();
  }

  /** Inserts or replaces the rules in one transaction; run counters and created_ts are kept. */
  save(list: Rule[]): void {
    const ts = nowSeconds();
    this.db.sqlite.transaction(() => {
      for (const rule of list) {
        this.db.db
          .insert(rulesTable)
          .values({ id: rule.id, name: rule.name, enabled: rule.enabled, definition: JSON.stringify(rule), created_ts: ts, updated_ts: ts })
          .onConflictDoUpdate({
            target: rulesTable.id,
            set: { name: rule.name, enabled: rule.enabled, definition: JSON.stringify(rule), updated_ts: ts },
          })
          .run();
      }
    })();
  }

  delete(id: string): void {
    this.db.db.delete(rulesTable).where(eq(rulesTable.id, id)).run();
  }

  recordRun(id: string, runCount: number, ts: number): void {
    this.db.db.update(rulesTable).set({ run_count: runCount, last_run_ts: ts }).where(eq(rulesTable.id, id)).run();
  }
}

/** Validates a stored row against today's action registry; never throws. */
export function decodeStoredRule(row: StoredRuleRow, registry: ActionRegistry): DecodedRow {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.definition);
  } catch (err) {
    return {
      invalid: {
        name: row.name,
        enabled: row.enabled,
        errors: [`stored definition is not JSON: ${(err as Error).message}`],
        definition: row.definition,
      },
      reason: 'not_json',
    };
  }
  try {
    const rule = validateRule(parsed, registry, () => row.id);
    rule.id = row.id;
    return { rule };
  } catch (err) {
    const errors = err instanceof RuleValidationError ? err.details : [(err as Error).message];
    return { invalid: { name: row.name, enabled: row.enabled, errors, definition: row.definition }, reason: 'invalid' };
  }
}
