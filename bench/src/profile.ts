/** Reads a V8 `.cpuprofile` (from `node --cpu-prof`) into self and total time per function. */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  /** Where it lives: package or file, short. */
  where: string;
  selfMs: number;
  selfPercent: number;
  totalMs: number;
  totalPercent: number;
}

export interface ProfileSummary {
  sampledMs: number;
  /** Time outside idle, in ms (the denominator of the percentages). */
  busyMs: number;
  bySelf: FunctionTime[];
  byTotal: FunctionTime[];
  byPackage: { where: string; selfMs: number; selfPercent: number }[];
}

const IDLE = '(idle)';
const SEPARATOR = '\u0000';

/** Where a script comes from: an npm package, a Knock workspace, Node itself, or V8. */
export function origin(url: string): string {
  if (url === '') return 'v8/native';
  if (url.startsWith('node:')) return 'node';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1] as string;
  const workspace = /\/(apps|packages)\/([^/]+)\//.exec(url);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  return url.replace(/^file:\/\//, '');
}

/** A short place for one function: its origin and file, e.g. `kysely sqlite-driver.js:60`. */
export function location(url: string, lineNumber: number): string {
  const from = origin(url);
  if (url === '' || url.startsWith('node:'))
    return from === 'node' ? `${url}:${lineNumber + 1}` : from;
  const workspaceFile = /\/(?:apps|packages)\/[^/]+\/(?:dist|src)\/(.+)$/.exec(url)?.[1];
  const file =
    workspaceFile && !url.includes('node_modules')
      ? workspaceFile
      : url.slice(url.lastIndexOf('/') + 1);
  return `${from} ${file}:${lineNumber + 1}`;
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const keyOf = (node: ProfileNode) =>
    `${node.callFrame.functionName || '(anonymous)'}${SEPARATOR}${location(node.callFrame.url, node.callFrame.lineNumber)}`;

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const packages = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node || micros <= 0) return;
    sampled += micros;
    if (node.callFrame.functionName === IDLE) {
      idle += micros;
      return;
    }
    const leafKey = keyOf(node);
    self.set(leafKey, (self.get(leafKey) ?? 0) + micros);
    const where =
      node.callFrame.url === '' ? node.callFrame.functionName : origin(node.callFrame.url);
    packages.set(where, (packages.get(where) ?? 0) + micros);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame || frame.callFrame.functionName === '(root)') continue;
      const key = keyOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + micros);
    }
  });
  const busy = sampled - idle;
  const percent = (micros: number) => (busy > 0 ? (micros / busy) * 100 : 0);
  const describe = (key: string): FunctionTime => {
    const [name = '', where = ''] = key.split(SEPARATOR);
    const selfMicros = self.get(key) ?? 0;
    const totalMicros = total.get(key) ?? 0;
    return {
      name,
      where,
      selfMs: selfMicros / 1000,
      selfPercent: percent(selfMicros),
      totalMs: totalMicros / 1000,
      totalPercent: percent(totalMicros),
    };
  };
  const ranked = (map: Map<string, number>, keep: (key: string) => boolean = () => true) =>
    [...map.entries()]
      .filter(([key]) => keep(key))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key]) => describe(key));
  return {
    sampledMs: sampled / 1000,
    busyMs: busy / 1000,
    bySelf: ranked(self),
    // Inclusive time of the event loop's own frames (timers, microtasks) says nothing: left out.
    byTotal: ranked(total, (key) => {
      const where = key.split(SEPARATOR)[1] ?? '';
      return !where.startsWith('node:') && !where.startsWith('v8/native');
    }),
    byPackage: [...packages.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, micros]) => ({ where, selfMs: micros / 1000, selfPercent: percent(micros) })),
  };
}
