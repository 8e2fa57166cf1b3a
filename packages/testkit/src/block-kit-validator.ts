/**
 * Slack's checks of a `chat.postMessage` / `chat.update` payload, for the blocks our dispatcher
 * sends (section, context, header, actions with buttons, divider), with the limits of
 * docs.slack.dev/reference/block-kit. An unknown block type or field is a problem too, as it is
 * for Slack. Returns one line per problem; empty when Slack would accept the message.
 */
export function blockKitProblems(args: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const text = args['text'];
  const blocks = args['blocks'];
  if (text !== undefined && typeof text !== 'string') problems.push('text: must be a string');
  if (typeof text === 'string' && text.length > MESSAGE_TEXT_LIMIT)
    problems.push(`text: ${text.length} characters, over ${MESSAGE_TEXT_LIMIT}`);
  if (blocks === undefined) {
    if (typeof text !== 'string' || text.trim() === '')
      problems.push('text: required without blocks');
    return problems;
  }
  if (!Array.isArray(blocks)) return [...problems, 'blocks: must be an array'];
  if (blocks.length === 0) problems.push('blocks: must not be empty');
  if (blocks.length > 50) problems.push(`blocks: ${blocks.length} blocks, over 50`);
  blocks.forEach((block: unknown, index) => checkBlock(block, `blocks[${index}]`, problems));
  return problems;
}

/** Slack refuses a message whose `text` is longer (`msg_too_long`). */
export const MESSAGE_TEXT_LIMIT = 40_000;

type Problems = string[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: string[], at: string, out: Problems) {
  for (const key of Object.keys(value))
    if (!allowed.includes(key)) out.push(`${at}.${key}: unknown field`);
}

function checkId(value: unknown, at: string, out: Problems) {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length === 0 || value.length > 255)
    out.push(`${at}: must be 1-255 characters`);
}

function checkTextObject(
  value: unknown,
  at: string,
  max: number,
  out: Problems,
  only?: 'plain_text',
) {
  if (!isObject(value)) {
    out.push(`${at}: must be a text object`);
    return;
  }
  const type = value['type'];
  if (type !== 'plain_text' && type !== 'mrkdwn') {
    out.push(`${at}.type: must be plain_text or mrkdwn`);
    return;
  }
  if (only && type !== only) out.push(`${at}.type: must be ${only}`);
  onlyKeys(
    value,
    type === 'mrkdwn' ? ['type', 'text', 'verbatim'] : ['type', 'text', 'emoji'],
    at,
    out,
  );
  const text = value['text'];
  if (typeof text !== 'string' || text.length === 0) out.push(`${at}.text: must not be empty`);
  else if (text.length > max) out.push(`${at}.text: ${text.length} characters, over ${max}`);
  for (const flag of ['verbatim', 'emoji'])
    if (value[flag] !== undefined && typeof value[flag] !== 'boolean')
      out.push(`${at}.${flag}: must be a boolean`);
}

function checkButton(value: unknown, at: string, out: Problems) {
  if (!isObject(value) || value['type'] !== 'button') {
    out.push(`${at}: only buttons are expected here`);
    return;
  }
  onlyKeys(value, ['type', 'action_id', 'text', 'value', 'style', 'url'], at, out);
  checkTextObject(value['text'], `${at}.text`, 75, out, 'plain_text');
  checkId(value['action_id'], `${at}.action_id`, out);
  const buttonValue = value['value'];
  if (buttonValue !== undefined && (typeof buttonValue !== 'string' || buttonValue.length > 2000))
    out.push(`${at}.value: must be at most 2000 characters`);
  const style = value['style'];
  if (style !== undefined && style !== 'primary' && style !== 'danger')
    out.push(`${at}.style: must be primary or danger`);
}

function checkBlock(block: unknown, at: string, out: Problems) {
  if (!isObject(block)) {
    out.push(`${at}: must be an object`);
    return;
  }
  checkId(block['block_id'], `${at}.block_id`, out);
  switch (block['type']) {
    case 'section': {
      onlyKeys(block, ['type', 'block_id', 'text', 'fields', 'accessory'], at, out);
      const fields = block['fields'];
      if (block['text'] === undefined && fields === undefined)
        out.push(`${at}: needs text or fields`);
      if (block['text'] !== undefined) checkTextObject(block['text'], `${at}.text`, 3000, out);
      if (fields !== undefined) {
        if (!Array.isArray(fields) || fields.length === 0 || fields.length > 10)
          out.push(`${at}.fields: must hold 1-10 text objects`);
        else
          fields.forEach((field: unknown, index) =>
            checkTextObject(field, `${at}.fields[${index}]`, 2000, out),
          );
      }
      return;
    }
    case 'context': {
      onlyKeys(block, ['type', 'block_id', 'elements'], at, out);
      const elements = block['elements'];
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) {
        out.push(`${at}.elements: must hold 1-10 elements`);
        return;
      }
      elements.forEach((element: unknown, index) =>
        checkTextObject(element, `${at}.elements[${index}]`, 3000, out),
      );
      return;
    }
    case 'header':
      onlyKeys(block, ['type', 'block_id', 'text'], at, out);
      checkTextObject(block['text'], `${at}.text`, 150, out, 'plain_text');
      return;
    case 'actions': {
      onlyKeys(block, ['type', 'block_id', 'elements'], at, out);
      const elements = block['elements'];
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) {
        out.push(`${at}.elements: must hold 1-25 elements`);
        return;
      }
      elements.forEach((element: unknown, index) =>
        checkButton(element, `${at}.elements[${index}]`, out),
      );
      const ids = elements.map((element) => (isObject(element) ? element['action_id'] : undefined));
      if (new Set(ids).size !== ids.length) out.push(`${at}.elements: action_id must be unique`);
      return;
    }
    case 'divider':
      onlyKeys(block, ['type', 'block_id'], at, out);
      return;
    default:
      out.push(`${at}.type: unsupported block type ${String(block['type'])}`);
  }
}
