export * from './call-options.js';
export * from './trackers/tracker.js';
export * from './git-hosts/git-host.js';
