/**
 * Reads the link's fragment and removes it from the address bar and the session history at once
 * (DESIGN §5, T2): it holds the link secret, which must not linger where a screenshot, a shared
 * screen or a bookmark could take it. The fragment never reaches a server in any case.
 */
export function takeFragment(
  location: Pick<Location, 'hash' | 'pathname' | 'search'>,
  history: Pick<History, 'replaceState'>,
): string | undefined {
  const fragment = location.hash.startsWith('#') ? location.hash.slice(1) : '';
  if (fragment === '') return undefined;
  history.replaceState(null, '', location.pathname + location.search);
  return fragment;
}
