import { fixingSumTurns } from './buggy-sum-project.js';
import type { FakeLlmTurn } from './fake-llm-api.js';

/** Port of the fake npm registry in the Compose fake world (reached only through the broker's proxy). */
export const FAKE_REGISTRY_PORT = 9005;
/** The fake registry's name on the Compose default network (deploy/compose.test.yml). */
export const FAKE_REGISTRY_HOST = 'registry.npmjs.test';

/** A direct connection the agent tries, by name or address, that must not get an answer. */
export interface EgressTarget {
  name: string;
  host: string;
  port: number;
  /** What to send once connected (default an HTTP request); Redis closes on HTTP, so it gets PING. */
  send?: string;
}

/**
 * Opens a TCP connection to each target and sends an HTTP request; prints
 * `EGRESS-PROBE name=answered|closed|<error code>|timeout ...`. Only `answered` means the target
 * was reached.
 */
const PROBE =
  'const net=require("net");const targets=JSON.parse(process.argv[1]);' +
  'Promise.all(targets.map((t)=>new Promise((done)=>{' +
  'const s=net.connect({host:t.host,port:t.port});' +
  'const end=(how)=>{clearTimeout(timer);s.destroy();done(t.name+"="+how)};' +
  'const timer=setTimeout(()=>end("timeout"),5000);' +
  's.on("connect",()=>s.write(t.send||"GET / HTTP/1.0\\r\\nhost: probe\\r\\n\\r\\n"));' +
  's.on("data",()=>end("answered"));' +
  's.on("error",(e)=>end(e.code||e.message));' +
  's.on("close",()=>end("closed"));' +
  '}))).then((r)=>console.log("EGRESS-PROBE "+r.join(" ")))';

/** The probe as a shell command (`run_command`). */
export function egressProbeCommand(targets: readonly EgressTarget[]): string {
  return `node -e '${PROBE}' '${JSON.stringify(targets)}'`;
}

/** npm through the job's HTTPS_PROXY to the allowed fake registry. */
export const ALLOWED_REGISTRY_COMMAND = `npm view left-pad version --registry http://${FAKE_REGISTRY_HOST}:${FAKE_REGISTRY_PORT}/ 2>&1`;
/** npm through the proxy to a registry the project does not allow; run twice, reported once. */
export const REFUSED_REGISTRY_COMMAND =
  'npm view requests version --registry http://pypi.org/ --fetch-retries=0 2>&1';

/**
 * The scripted session of the egress ticket: the direct connections (one turn), the allowed
 * registry through the proxy, the refused one twice, then the real fix of the sum (so the job
 * ends with a pull request).
 */
export function egressProbeTurns(targets: readonly EgressTarget[]): FakeLlmTurn[] {
  return [
    { toolCalls: [{ name: 'run_command', input: { command: egressProbeCommand(targets) } }] },
    { toolCalls: [{ name: 'run_command', input: { command: ALLOWED_REGISTRY_COMMAND } }] },
    { toolCalls: [{ name: 'run_command', input: { command: REFUSED_REGISTRY_COMMAND } }] },
    { toolCalls: [{ name: 'run_command', input: { command: REFUSED_REGISTRY_COMMAND } }] },
    ...fixingSumTurns(),
  ];
}
