// Request validation of the fake Messages API, with the API's habit of naming the offending field
// ("messages.1.content.0.tool_use_id: ...").

export interface RequestError {
  path: string;
  message: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const err = (path: string, message: string): RequestError => ({ path, message });

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

function checkCacheControl(b: Obj, path: string): RequestError | null {
  if (b.cache_control === undefined || b.cache_control === null) return null;
  const cc = b.cache_control;
  if (!isObj(cc) || cc.type !== 'ephemeral') return err(`${path}.cache_control.type`, "Input should be 'ephemeral'");
  if (cc.ttl !== undefined && cc.ttl !== '5m' && cc.ttl !== '1h') return err(`${path}.cache_control.ttl`, "Input should be '5m' or '1h'");
  return null;
}

function checkBlock(b: unknown, path: string, role: string): RequestError | null {
  if (!isObj(b)) return err(path, 'Input should be a valid dictionary');
  const cc = checkCacheControl(b, path);
  if (cc) return cc;
  switch (b.type) {
    case 'text':
      if (typeof b.text !== 'string') return err(`${path}.text`, 'Field required');
      if (b.text.length === 0) return err(`${path}.text`, 'text content blocks must be non-empty');
      return null;
    case 'image': {
      if (role !== 'user') return err(path, 'image blocks are only allowed in user messages');
      const src = b.source;
      if (!isObj(src)) return err(`${path}.source`, 'Field required');
      if (src.type === 'base64') {
        if (typeof src.media_type !== 'string' || !IMAGE_TYPES.includes(src.media_type)) {
          return err(`${path}.source.media_type`, `Input should be ${IMAGE_TYPES.map((t) => `'${t}'`).join(', ')}`);
        }
        if (typeof src.data !== 'string' || src.data.length === 0 || !/^[A-Za-z0-9+/]+=*$/.test(src.data)) {
          return err(`${path}.source.data`, 'Input should be a valid base64 string');
        }
        return null;
      }
      if (src.type === 'url') return typeof src.url === 'string' ? null : err(`${path}.source.url`, 'Field required');
      return err(`${path}.source.type`, "Input tag should be 'base64' or 'url'");
    }
    case 'tool_use':
      if (role !== 'assistant') return err(path, 'tool_use blocks are only allowed in assistant messages');
      if (typeof b.id !== 'string' || b.id === '') return err(`${path}.id`, 'Field required');
      if (typeof b.name !== 'string' || !TOOL_NAME.test(b.name))
        return err(`${path}.name`, 'String should match pattern ^[a-zA-Z0-9_-]{1,128}$');
      if (!isObj(b.input)) return err(`${path}.input`, 'Input should be a valid dictionary');
      return null;
    case 'tool_result':
      if (role !== 'user') return err(path, 'tool_result blocks are only allowed in user messages');
      if (typeof b.tool_use_id !== 'string' || b.tool_use_id === '') return err(`${path}.tool_use_id`, 'Field required');
      if (b.is_error !== undefined && typeof b.is_error !== 'boolean') return err(`${path}.is_error`, 'Input should be a valid boolean');
      if (b.content !== undefined && typeof b.content !== 'string') {
        if (!Array.isArray(b.content)) return err(`${path}.content`, 'Input should be a valid string or list');
        for (let i = 0; i < b.content.length; i++) {
          const e = checkBlock(b.content[i], `${path}.content.${i}`, 'user');
          if (e) return e;
        }
      }
      return null;
    case 'thinking':
    case 'redacted_thinking':
      return null;
    default:
      return err(`${path}.type`, `Input tag '${String(b.type)}' found using 'type' does not match any of the expected tags`);
  }
}

function checkTools(tools: unknown): RequestError | null {
  if (tools === undefined) return null;
  if (!Array.isArray(tools)) return err('tools', 'Input should be a valid list');
  const names = new Set<string>();
  for (let i = 0; i < tools.length; i++) {
    const t = tools[i];
    const p = `tools.${i}`;
    if (!isObj(t)) return err(p, 'Input should be a valid dictionary');
    if (typeof t.name !== 'string' || !TOOL_NAME.test(t.name))
      return err(`${p}.name`, 'String should match pattern ^[a-zA-Z0-9_-]{1,128}$');
    if (names.has(t.name)) return err('tools', `Tool names must be unique. Found duplicate: ${t.name}`);
    names.add(t.name);
    if (t.description !== undefined && typeof t.description !== 'string') return err(`${p}.description`, 'Input should be a valid string');
    if (!isObj(t.input_schema)) return err(`${p}.input_schema`, 'Field required');
    if (t.input_schema.type !== 'object') return err(`${p}.input_schema.type`, "Input should be 'object'");
    const cc = checkCacheControl(t, p);
    if (cc) return cc;
  }
  return null;
}

function checkSystem(system: unknown): RequestError | null {
  if (system === undefined || typeof system === 'string') return null;
  if (!Array.isArray(system)) return err('system', 'Input should be a valid string or list');
  for (let i = 0; i < system.length; i++) {
    const b = system[i];
    if (!isObj(b) || b.type !== 'text') return err(`system.${i}.type`, "Input should be 'text'");
    const e = checkBlock(b, `system.${i}`, 'system');
    if (e) return e;
  }
  return null;
}

function checkMessages(messages: unknown): RequestError | null {
  if (!Array.isArray(messages)) return err('messages', 'Field required');
  if (messages.length === 0) return err('messages', 'at least one message is required');
  let previousToolUses: Set<string> | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const p = `messages.${i}`;
    if (!isObj(m)) return err(p, 'Input should be a valid dictionary');
    if (m.role !== 'user' && m.role !== 'assistant') return err(`${p}.role`, "Input should be 'user' or 'assistant'");
    if (i === 0 && m.role !== 'user') return err(`${p}.role`, 'the first message must use the "user" role');
    const blocks: unknown[] =
      typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content : [];
    if (typeof m.content !== 'string' && !Array.isArray(m.content)) return err(`${p}.content`, 'Input should be a valid string or list');
    if (blocks.length === 0 && !(m.role === 'assistant' && i === messages.length - 1))
      return err(`${p}.content`, 'messages must have non-empty content');
    for (let j = 0; j < blocks.length; j++) {
      const e = checkBlock(blocks[j], `${p}.content.${j}`, m.role);
      if (e) return e;
    }
    const results = blocks.filter((b): b is Obj => isObj(b) && b.type === 'tool_result');
    if (m.role === 'user') {
      const expected: Set<string> = previousToolUses ?? new Set<string>();
      for (let j = 0; j < blocks.length; j++) {
        const b = blocks[j] as Obj;
        if (b.type === 'tool_result' && !expected.has(String(b.tool_use_id))) {
          return err(
            `${p}.content.${j}`,
            `unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
        }
      }
      const answered = new Set(results.map((b) => String(b.tool_use_id)));
      const missing = [...expected].filter((id) => !answered.has(id));
      if (missing.length) {
        return err(
          p,
          `\`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
      previousToolUses = null;
    } else {
      const uses = blocks.filter((b): b is Obj => isObj(b) && b.type === 'tool_use').map((b) => String(b.id));
      previousToolUses = uses.length ? new Set(uses) : null;
    }
  }
  return null;
}

function countBreakpoints(body: Obj): number {
  let n = 0;
  const count = (b: unknown) => {
    if (isObj(b) && b.cache_control != null) n++;
  };
  if (Array.isArray(body.tools)) body.tools.forEach(count);
  if (Array.isArray(body.system)) body.system.forEach(count);
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) if (isObj(m) && Array.isArray(m.content)) m.content.forEach(count);
  }
  return n;
}

function checkCommon(body: unknown): RequestError | null {
  if (!isObj(body)) return err('', 'request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') return err('model', 'Field required');
  return checkTools(body.tools) ?? checkSystem(body.system) ?? checkMessages(body.messages) ?? breakpoints(body);
}

function breakpoints(body: Obj): RequestError | null {
  const n = countBreakpoints(body);
  return n > 4 ? err('', `A maximum of 4 blocks with cache_control may be provided. Found ${n}.`) : null;
}

export function validateMessagesBody(body: unknown): RequestError | null {
  if (!isObj(body)) return err('', 'request body must be a JSON object');
  if (body.max_tokens === undefined) return err('max_tokens', 'Field required');
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    return err('max_tokens', 'Input should be a valid integer greater than or equal to 1');
  }
  if (body.stream === true) return err('stream', 'streaming is not supported by this fake Messages API; send stream: false');
  if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 1)) {
    return err('temperature', 'Input should be a number between 0 and 1');
  }
  return checkCommon(body);
}

export function validateCountTokensBody(body: unknown): RequestError | null {
  return checkCommon(body);
}
