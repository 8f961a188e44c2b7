import { useEffect, useState } from 'preact/hooks';

/**
 * A module loaded the first time `wanted` is true, so that a first visit downloads only what its
 * screen needs. Undefined until it has loaded.
 */
export function useLazy<M>(wanted: boolean, load: () => Promise<M>): M | undefined {
  const [module, setModule] = useState<M | undefined>(undefined);
  useEffect(() => {
    if (wanted && module === undefined) void load().then((loaded) => setModule(() => loaded));
  }, [wanted, module]);
  return module;
}
