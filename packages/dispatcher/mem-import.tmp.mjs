const mods = process.argv.slice(2);
for (const m of mods) await import(m);
await new Promise(r => setTimeout(r, 300));
globalThis.gc?.();
const u = process.memoryUsage();
console.log(mods.join('+') || '(bare)', 'rss', (u.rss/1e6).toFixed(1), 'heapUsed', (u.heapUsed/1e6).toFixed(1), 'ext', (u.external/1e6).toFixed(1));
