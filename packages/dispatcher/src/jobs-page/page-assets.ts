/**
 * The page's only script and style sheet, served from `/jobs/assets/` so the Content-Security-Policy
 * can forbid every inline script and style. The script keeps the lists live: it listens to
 * `/jobs/events`, writes a job's step, phases and cost into its row (as text, never as HTML) and
 * fetches the server-rendered lists again when jobs start, finish or change place.
 */
export const PAGE_SCRIPT = `(() => {
  'use strict';
  const live = document.getElementById('live');
  const main = document.getElementById('jobs');
  if (!live || !main) return;
  const show = (state, text) => {
    live.dataset.state = state;
    live.textContent = text;
  };
  let refreshing = false;
  let again = false;
  async function refresh() {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      const response = await fetch('/jobs/sections', { credentials: 'same-origin', cache: 'no-store' });
      if (response.status === 401) {
        window.location.reload();
        return;
      }
      if (response.ok) main.innerHTML = await response.text();
    } catch {
      show('reconnecting', 'reconnecting…');
    } finally {
      refreshing = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  }
  const rowOf = (jobId) =>
    Array.from(main.querySelectorAll('tr[data-job-id]')).find((row) => row.dataset.jobId === jobId);
  function connect() {
    const source = new EventSource('/jobs/events');
    source.addEventListener('open', () => show('live', 'live'));
    source.addEventListener('error', () => {
      show('reconnecting', 'reconnecting…');
      // The browser retries by itself unless the server refused (401, 503): then start afresh.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    });
    source.addEventListener('progress', (event) => {
      const update = JSON.parse(event.data);
      const row = rowOf(update.jobId);
      if (!row) {
        void refresh();
        return;
      }
      for (const name of ['step', 'phases', 'cost']) {
        const cell = row.querySelector('.' + name);
        if (cell && typeof update[name] === 'string') cell.textContent = update[name];
      }
    });
    source.addEventListener('changed', () => void refresh());
    source.addEventListener('resync', () => void refresh());
  }
  main.addEventListener('submit', (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.classList.contains('cancel') && !window.confirm('Cancel this job?'))
      event.preventDefault();
  });
  connect();
})();
`;

export const PAGE_STYLE = `:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --ok: #15803d; --bad: #b91c1c; --run: #1d4ed8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; padding: 0 1.5rem 2rem; }
header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; border-bottom: 1px solid var(--line); padding: 0.75rem 0; }
h1 { font-size: 1.25rem; margin: 0; }
h2 { font-size: 1rem; margin: 1.5rem 0 0.5rem; }
.count { color: var(--muted); font-weight: normal; }
.viewer, .duration, .reason, .empty { color: var(--muted); }
.live::before { content: "●"; margin-right: 0.3rem; color: var(--muted); }
.live[data-state="live"]::before { color: var(--ok); }
.live[data-state="reconnecting"]::before { color: var(--bad); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; white-space: nowrap; }
.phases { font-size: 0.85em; }
.state { display: inline-block; padding: 0 0.4rem; border-radius: 0.6rem; border: 1px solid currentColor; font-size: 0.8em; }
.state-running, .state-queued { color: var(--run); }
.state-succeeded { color: var(--ok); }
.state-failed, .state-cancelled, .state-stopping { color: var(--bad); }
.notice, .problem { padding: 0.5rem 0.75rem; border: 1px solid var(--line); border-radius: 0.3rem; }
.sign-in { max-width: 36rem; margin: 3rem auto; }
.button { display: inline-block; padding: 0.5rem 1rem; border: 1px solid var(--line); border-radius: 0.3rem; text-decoration: none; }
form { display: inline; margin: 0; }
button { font: inherit; cursor: pointer; }
`;
