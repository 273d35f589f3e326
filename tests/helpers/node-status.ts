import assert from 'node:assert/strict';

interface StatusSpy {
  getCalls(): { thisValue: { id: string }; args: [Record<string, unknown>] }[];
}

/**
 * The last status node `id` showed. node-red-node-test-helper shares one status spy between every node of a flow,
 * so `status.lastCall` may be another node's: filter the calls by the node they were made on.
 */
export function statusOf(helper: { getNode(id: string): unknown }, id: string): Record<string, unknown> {
  const spy = (helper.getNode(id) as { status: StatusSpy }).status;
  const mine = spy.getCalls().filter((c) => c.thisValue.id === id);
  assert.ok(mine.length, `node ${id} showed no status`);
  return mine[mine.length - 1].args[0];
}

/** Every status node `id` showed, oldest first. */
export function statusHistory(helper: { getNode(id: string): unknown }, id: string): Record<string, unknown>[] {
  const spy = (helper.getNode(id) as { status: StatusSpy }).status;
  return spy
    .getCalls()
    .filter((c) => c.thisValue.id === id)
    .map((c) => c.args[0]);
}
