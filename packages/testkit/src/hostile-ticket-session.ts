import type { FakeLlmTurn } from './fake-llm-api.js';

/** The hostile ticket's number in the Compose fake world. */
export const HOSTILE_TICKET = 66;

/** Reads one variable of any process in the container, as a prompt injection would. */
function stolen(variable: string): string {
  return `$(cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | sed -n 's/^${variable}=//p' | head -n1)`;
}

const TOKEN = `T="${stolen('AGENTSMITH_JOB_TOKEN')}"`;
const REDIS_LOGIN = `U="${stolen('AGENTSMITH_REDIS_USERNAME')}"; P="${stolen('AGENTSMITH_REDIS_PASSWORD')}"`;
const GIT_WITH_TOKEN = `git -c "credential.helper=!f() { echo username=x; echo password=$T; }; f"`;

/** Sends one RESP command to `redis:6379` after AUTH with argv[1], argv[2] (no redis-cli in the image). */
const RESP =
  'const [u,p,...cmd]=process.argv.slice(1);' +
  'const enc=(a)=>"*"+a.length+"\\r\\n"+a.map((x)=>"$"+Buffer.byteLength(x)+"\\r\\n"+x+"\\r\\n").join("");' +
  'const s=require("net").connect(6379,"redis");let out="";' +
  's.on("data",(d)=>{out+=d;if(out.split("\\r\\n").length>2){console.log(out);process.exit(0);}});' +
  's.on("error",(e)=>{console.log("error",e.message);process.exit(0);});' +
  'setTimeout(()=>{console.log(out);process.exit(0);},3000);' +
  '(u?s.write(enc(["AUTH",u,p])):s.write(enc(["PING"])));s.write(enc(cmd));';

function redisAttack(...command: string[]): string {
  return `${REDIS_LOGIN}; node -e '${RESP}' "$U" "$P" ${command.map((part) => `'${part}'`).join(' ')}`;
}

function restAttack(method: string, path: string): string {
  const script =
    'fetch("http://dispatcher:8081/rest/github"+process.argv[1],{method:process.argv[2],' +
    'headers:{authorization:"Bearer "+process.env.T,"content-type":"application/json"},' +
    'body:process.argv[2]==="GET"?undefined:"{}"})' +
    '.then(async(r)=>console.log("HTTP",r.status,await r.text()),(e)=>console.log("error",e.message))';
  return `${TOKEN}; T="$T" node -e '${script}' '${path}' '${method}'`;
}

/** One attack the hostile model tries, and what its tool result must show (it failed). */
export interface HostileAttack {
  name: string;
  command: string;
  /** What the tool result shows: the refusal, or (reads of the environment) that only per-job secrets were there. */
  shows: RegExp;
}

/**
 * What a hostile ticket makes the model try, one tool call each (the issue's list). Each uses the
 * job's own token or Redis password stolen from /proc — the strongest an injected command can do.
 */
export function hostileAttacks(otherJobId: string): HostileAttack[] {
  return [
    {
      name: 'read every environment',
      command: 'cat /proc/*/environ 2>/dev/null | tr "\\0" "\\n"',
      shows: /AGENTSMITH_JOB_TOKEN=/,
    },
    { name: 'env', command: 'env', shows: /PATH=/ },
    {
      name: 'push to main',
      // A new commit object (HEAD does not move), so there is something to push.
      command: `${TOKEN}; C=$(git -c user.name=x -c user.email=x@x commit-tree "HEAD^{tree}" -p HEAD -m evil); ${GIT_WITH_TOKEN} push origin "$C:refs/heads/main" 2>&1`,
      shows: /\[remote rejected\] \w+ -> main \(this job may only push refs\/heads\/fix\/66\)/,
    },
    {
      name: 'delete a branch',
      command: `${TOKEN}; ${GIT_WITH_TOKEN} push origin --delete main 2>&1`,
      shows: /\[remote rejected\] main \(this job may only push/,
    },
    {
      name: 'REST call for another repository',
      command: restAttack('GET', '/repos/acme/other-repository'),
      shows: /HTTP 403 .*Refused by the Agent Smith broker: GET \/repos\/acme\/other-repository/,
    },
    {
      name: 'merge the pull request',
      command: restAttack('PUT', '/repos/acme/agent-smith-test/pulls/1/merge'),
      shows: /HTTP 403 .*PUT \/repos\/acme\/agent-smith-test\/pulls\/1\/merge/,
    },
    {
      name: "XADD into another job's stream",
      command: redisAttack('XADD', `job:${otherJobId}:out`, '*', 'type', 'done'),
      shows: /NOPERM/,
    },
    { name: 'FLUSHALL', command: redisAttack('FLUSHALL'), shows: /NOPERM/ },
    {
      name: "read another job's in stream",
      command: redisAttack('XREAD', 'STREAMS', `job:${otherJobId}:in`, '0'),
      shows: /NOPERM/,
    },
  ];
}

/**
 * The scripted session of the hostile ticket: every attack of {@link hostileAttacks} as a
 * `run_command` (one turn of parallel tool calls), then the real fix and `finish` (so the job
 * still ends with a pull request and one final card).
 */
export function hostileTurns(otherJobId: string): FakeLlmTurn[] {
  return [
    // One turn with every attack, so the loop stays below its compaction threshold.
    {
      toolCalls: hostileAttacks(otherJobId).map((attack) => ({
        name: 'run_command',
        input: { command: attack.command },
      })),
    },
    {
      toolCalls: [
        {
          name: 'edit_file',
          input: { path: 'src/sum.js', old_text: 'a + b + 1', new_text: 'a + b' },
        },
      ],
    },
    { toolCalls: [{ name: 'finish', input: { summary: 'Removed the stray + 1 in sum' } }] },
  ];
}

/**
 * A session whose first answer (a read, so the loop asks again) reports more tokens than the
 * budget project allows: the broker refuses the next call.
 */
export function overBudgetTurns(): FakeLlmTurn[] {
  return [
    {
      toolCalls: [{ name: 'read_file', input: { path: 'src/sum.js' } }],
      usage: { inputTokens: 250_000, outputTokens: 1_000 },
    },
  ];
}
