/**
 * What a job's LLM request body may ask for. The real key also runs the providers' server-side
 * tools (web fetch, code execution, remote MCP servers, background jobs): each reaches the network
 * or runs code outside the job's container and the broker's allow-lists, so none may pass.
 */

/** The body as JSON, or undefined when it is not a JSON object. */
export function jsonBody(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** OpenAI tool types that are the client's own functions; every other type runs at OpenAI. */
const OPENAI_CLIENT_TOOLS = new Set(['function', 'custom']);

/** Why the body asks for something a job may not use, or undefined when it may be sent. */
export function refusedFeature(
  provider: string,
  body: Record<string, unknown> | undefined,
): string | undefined {
  if (!body) return undefined;
  if ('mcp_servers' in body) return 'remote MCP servers (mcp_servers)';
  if ('container' in body) return 'provider-side containers (container)';
  if (body['background'] === true) return 'background responses (background: true)';
  const tools = Array.isArray(body['tools']) ? (body['tools'] as unknown[]) : [];
  for (const tool of tools) {
    if (provider === 'google') {
      // Gemini tools are keyed objects; only `functionDeclarations` are the client's own.
      const server = Object.keys(tool ?? {}).find((key) => key !== 'functionDeclarations');
      if (server) return `server-side tools (tools[].${server})`;
      continue;
    }
    const type = (tool as { type?: unknown } | null)?.type;
    if (type === undefined) continue;
    const clientTool =
      provider === 'anthropic'
        ? type === 'custom'
        : typeof type === 'string' && OPENAI_CLIENT_TOOLS.has(type);
    if (!clientTool) {
      return `server-side tools (tools[].type ${JSON.stringify(type)})`;
    }
  }
  return undefined;
}

/**
 * A streamed Chat Completion reports its usage only when asked to (`stream_options.include_usage`);
 * without it the ledger would see nothing. Returns the body with the option set, or undefined when
 * the request needs no change.
 */
export function withStreamedUsage(
  path: string,
  body: Record<string, unknown> | undefined,
): Buffer | undefined {
  if (!body || body['stream'] !== true || !/^\/(chat\/)?completions$/.test(path)) return undefined;
  const options = (body['stream_options'] ?? {}) as Record<string, unknown>;
  if (options['include_usage'] === true) return undefined;
  return Buffer.from(
    JSON.stringify({ ...body, stream_options: { ...options, include_usage: true } }),
  );
}
