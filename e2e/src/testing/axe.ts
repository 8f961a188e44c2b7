import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// Accessibility checks for the browser suites: axe-core's WCAG rules, and Chromium's own
// accessibility tree for names and live regions. axe-core is a test-only dependency: it is
// evaluated in the page by Playwright (which the page's CSP does not govern), never served.

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: string; readonly summary: string }[];
}

/** What the callback below uses of axe in the page (the e2e suites compile without the DOM). */
interface PageAxe {
  axe?: {
    run(options: object): Promise<{
      violations: {
        id: string;
        impact?: string | null;
        help: string;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }[];
    }>;
  };
}

/** Runs axe-core's WCAG 2.2 AA rules on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => (globalThis as PageAxe).axe !== undefined);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    async (tags) => {
      const axe = (globalThis as PageAxe).axe!;
      const result = await axe.run({
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      return result.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact ?? null,
        help: violation.help,
        nodes: violation.nodes.map((node) => ({
          target: node.target.map(String).join(' '),
          summary: node.failureSummary ?? '',
        })),
      }));
    },
    WCAG_AA_TAGS as unknown as string[],
  );
}

/** Violations as lines a person can read in a failing test's output. */
export function describeViolations(screen: string, violations: readonly AxeViolation[]): string[] {
  return violations.map(
    (violation) =>
      `${screen}: [${violation.impact ?? 'unknown'}] ${violation.id}: ${violation.help}\n` +
      violation.nodes
        .map((node) => `    at ${node.target}\n      ${node.summary.replace(/\n/g, '\n      ')}`)
        .join('\n'),
  );
}

interface AxNode {
  nodeId: string;
  ignored: boolean;
  role?: { value?: unknown };
  name?: { value?: unknown };
  properties?: { name: string; value: { value?: unknown } }[];
}

/** A node of Chromium's accessibility tree, as the checks below need it. */
export interface AccessibleNode {
  readonly role: string;
  readonly name: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** Chromium's accessibility tree of the page (what screen readers are given), ignored nodes left out. */
export async function accessibilityTree(page: Page): Promise<AccessibleNode[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    return nodes
      .filter((node) => !node.ignored)
      .map((node) => ({
        role: String(node.role?.value ?? ''),
        name: String(node.name?.value ?? '').trim(),
        properties: Object.fromEntries(
          (node.properties ?? []).map((property) => [property.name, property.value.value]),
        ),
      }));
  } finally {
    await cdp.detach();
  }
}

/** Roles people operate: each needs a name to be told apart by a screen reader or voice control. */
const OPERABLE_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'checkbox',
  'radio',
  'combobox',
  'listbox',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'option',
  'slider',
  'spinbutton',
  'switch',
  'tab',
  'treeitem',
  // Not operated, but announced by name when they open or speak.
  'dialog',
  'alertdialog',
  'log',
  'progressbar',
]);

/** Structure that may take focus from a script (a heading, the main area) without being a control. */
const FOCUS_TARGETS = new Set(['RootWebArea', 'generic', 'heading', 'main', 'region', 'group']);

/** Every operable or focusable node without an accessible name, as "role" lines. */
export async function unnamedControls(page: Page): Promise<string[]> {
  const tree = await accessibilityTree(page);
  return tree
    .filter(
      (node) =>
        node.name === '' &&
        (OPERABLE_ROLES.has(node.role) ||
          (node.properties['focusable'] === true && !FOCUS_TARGETS.has(node.role))),
    )
    .map((node) => `${node.role} without a name`);
}
